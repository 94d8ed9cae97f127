/*
 * cordon-jni-host: startup order, as cordon-host's (host/main.c), with the
 * library in place of the image. Everything the library needs from the
 * filesystem (itself, its DT_NEEDED, glibc's own files) is opened in step 3,
 * before anything narrows; its code runs for the first time (JNI_OnLoad,
 * a Java_* call) only after the last step, inside the sandbox.
 *
 *   0. exec ourselves once with glibc's rseq off (without_rseq)
 *   1. fds: only the channel (fd 3) survives
 *   2. channel: map, read argv, validate the header
 *   3. the library: dlopen(RTLD_NOW) the path in the image area
 *   4. fault handlers on a sigaltstack
 *   5. rlimits, no_new_privs
 *   6. Landlock (main thread, so the workers inherit it)
 *   7. workers start and publish their thread ids
 *   8. seccomp, TSYNC: every thread; clone for threads is the filter's one
 *      widening over cordon-host's (threads.c)
 *   9. host_pid, READY, workers released
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jnihost/jnihost.h"

#define PATH_MAX_LEN 4096

void *jh_library;

#define NO_RSEQ "glibc.pthread.rseq=0"

/*
 * glibc registers each thread's rseq area and aborts a new thread whose
 * registration fails once the main thread's succeeded. The filter refuses
 * rseq (its one widening is clone), so the host runs without: glibc reads
 * the tunable only at startup, hence one exec of ourselves, before anything
 * else (fd 3 survives it).
 */
static void without_rseq(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES");

	if (t && strstr(t, NO_RSEQ))
		return;
	if (setenv("GLIBC_TUNABLES", NO_RSEQ, 1) == 0)
		execv("/proc/self/exe", argv);
	/* no exec: threads of the library will fail to start, nothing else */
}

/* glibc's program break (exported since 2.2.5) */
extern void *__curbrk;

/*
 * The filter answers brk with EPERM (cordon/syscalls.def), and glibc's brk
 * takes any return value above the asked-for break for success: malloc
 * would then use memory that is not there. A break of "everything" makes
 * every later sbrk fail on its overflow check instead, before any syscall,
 * and malloc falls back to mmap, as it does when brk fails.
 */
static void no_more_brk(void)
{
	__curbrk = (void *)-1;
}

static void load_library(struct host *h)
{
	char path[PATH_MAX_LEN];

	if (h->image_size < 2 || h->image_size > sizeof(path))
		host_fail(h, "library: the path in the channel is %llu bytes long",
			  (unsigned long long)h->image_size);
	memcpy(path, h->chan + h->image_offset, h->image_size);
	if (path[h->image_size - 1] != 0 || strlen(path) != h->image_size - 1 || path[0] != '/')
		host_fail(h, "library: the channel holds no absolute path");
	/* dlopen runs the library's constructors: it is the library's first
	 * code, and it runs before the sandbox closes (as in the JVM, where it
	 * would run with all of the JVM's rights) */
	jh_library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!jh_library)
		host_fail(h, "library: %.200s", dlerror());
}

int main(int argc, char **argv)
{
	static struct host h;

	without_rseq(argv);
	if (host_begin(&h, argc, argv))
		return 1;

	/* one malloc arena: each further one reserves 64 MiB of the address
	 * space that RLIMIT_AS bounds */
	mallopt(M_ARENA_MAX, 1);
	jh_init_functions();
	load_library(&h);
	host_install_fault_handlers(&h);
	host_limit_resources(&h);
	host_landlock(&h);
	jh_start_workers(&h);
	no_more_brk();
	jh_allow_threads(&h);
	host_seccomp(&h);

	h.hdr->host_pid = (uint32_t)h.pid;
	__atomic_store_n(&h.hdr->host_state, CORDON_HOST_READY, __ATOMIC_SEQ_CST);
	futex_wake_shared(&h.hdr->host_state);
	host_release_lanes();
	host_watch_parent(&h);
}
