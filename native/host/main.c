/*
 * cordon-host: startup order. Each step narrows what the process may do;
 * domain code runs for the first time only after the last one.
 *
 *   1. fds: only the channel (fd 3) survives
 *   2. channel: map, read argv, validate the header
 *   3. image: load (no image code runs), a confined image's table,
 *      find cordon_domain_init, heap
 *   4. fault handlers on a sigaltstack
 *   5. rlimits, no_new_privs
 *   6. Landlock (main thread, so the workers inherit it)
 *   7. workers start and publish their thread ids
 *   8. seccomp, TSYNC: every thread
 *   9. cordon_domain_init, host_pid, READY, workers released
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "cordon/domain.h"
#include "cordon/image.h"
#include "host.h"

static void load_image(struct host *h)
{
	char err[CORDON_ERROR_LEN - 16];
	void *init;
	int rc;

	rc = cordon_image_load(h->chan + h->image_offset, h->image_size, &h->img,
			       err, sizeof(err));
	if (rc)
		host_fail(h, "image: %s", err);
	host_confine_image(h);
	init = cordon_image_symbol(h->img, "cordon_domain_init");
	if (!init)
		host_fail(h, "image: no cordon_domain_init: build the image with cordon-cc");
	h->domain_init = init;
	h->heap = mmap(NULL, h->heap_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->heap == MAP_FAILED)
		host_fail(h, "heap: cannot map %llu bytes: %s",
			  (unsigned long long)h->heap_size, strerror(errno));
}

/* errno: CORDON_ERRNO_TCB, musl's own in the thread block. cordon-host is
 * static musl, so that is the host thread's errno too, and a confined image
 * never has to call out of its span for it. */
static int init_domain(struct host *h)
{
	int64_t args[6] = {
		(int64_t)(uintptr_t)h->heap, (int64_t)h->heap_size,
		(int64_t)(uintptr_t)CORDON_ERRNO_TCB,
	};

	return (int)host_call_export(h->domain_init, args);
}

int main(int argc, char **argv)
{
	static struct host h;

	if (host_begin(&h, argc, argv))
		return 1;

	load_image(&h);
	host_install_fault_handlers(&h);
	host_limit_resources(&h);
	host_landlock(&h);
	host_start_workers(&h);
	host_seccomp(&h);

	if (init_domain(&h))
		host_fail(&h, "image: cordon_domain_init refused its heap");
	h.hdr->host_pid = (uint32_t)h.pid;
	__atomic_store_n(&h.hdr->host_state, CORDON_HOST_READY, __ATOMIC_SEQ_CST);
	futex_wake_shared(&h.hdr->host_state);
	host_release_lanes();
	host_watch_parent(&h);
}
