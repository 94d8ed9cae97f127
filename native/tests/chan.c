#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "chan.h"
#include "cordon/libcordon.h"
#include "harness.h"

#define PAGE 4096u
#define TIMEOUT_MS 10000
#define SPIN_POLLS 2000

static void wake(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void wait_on(uint32_t *word, uint32_t expect)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	syscall(SYS_futex, word, FUTEX_WAIT, expect, &ts, NULL, 0);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Not yet reaped and still there? */
static int alive(struct chan *c)
{
	if (c->reaped)
		return 0;
	if (waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
		c->reaped = 1;
		return 0;
	}
	return 1;
}

int chan_open(struct chan *c, const void *image, size_t len, uint32_t nslots)
{
	uint64_t slots = (PAGE + len + PAGE - 1) / PAGE * PAGE;
	uint32_t i;

	memset(c, 0, sizeof(*c));
	c->nslots = nslots;
	c->slots = slots;
	c->size = slots + (size_t)nslots * CHAN_STRIDE;
	c->fd = memfd_create("cordon-test", MFD_CLOEXEC);
	if (c->fd < 0 || ftruncate(c->fd, (off_t)c->size))
		return -1;
	c->base = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->base == MAP_FAILED)
		return -1;
	c->hdr = (struct cordon_channel_header *)c->base;
	c->hdr->magic = CORDON_CHANNEL_MAGIC;
	c->hdr->version = CORDON_CHANNEL_VERSION;
	c->hdr->nslots = nslots;
	c->hdr->slot_stride = CHAN_STRIDE;
	c->hdr->slots_offset = slots;
	c->hdr->image_offset = PAGE;
	c->hdr->image_size = len;
	c->hdr->heap_size = 8u << 20;
	memcpy(c->base + PAGE, image, len);
	for (i = 0; i < nslots; i++)
		chan_slot(c, i)->arena_size = CHAN_STRIDE - CORDON_SLOT_HEAD;
	return 0;
}

int chan_spawn(struct chan *c, const char *const *extra, char *err, size_t errlen)
{
	char threads[16];
	const char *argv[16];
	int n = 0, rc;

	argv[n++] = path_of(target_dir, "bin/cordon-host");
	argv[n++] = "--threads";
	snprintf(threads, sizeof(threads), "%u", c->nslots);
	argv[n++] = threads;
	while (extra && *extra && n < 15)
		argv[n++] = *extra++;
	argv[n] = NULL;
	rc = cordon_spawn_host(argv[0], (char *const *)argv, c->fd, err, errlen);
	if (rc > 0)
		c->pid = rc;
	return rc;
}

int chan_wait_ready(struct chan *c)
{
	long until = now_ms() + TIMEOUT_MS;
	uint32_t st;

	for (;;) {
		st = __atomic_load_n(&c->hdr->host_state, __ATOMIC_SEQ_CST);
		if (st != CORDON_HOST_STARTING)
			return (int)st;
		if (now_ms() > until)
			return -1;
		if (!alive(c)) {
			/* it may have written FAILED just before exiting */
			st = __atomic_load_n(&c->hdr->host_state, __ATOMIC_SEQ_CST);
			return st == CORDON_HOST_STARTING ? -1 : (int)st;
		}
		wait_on(&c->hdr->host_state, CORDON_HOST_STARTING);
	}
}

struct cordon_slot *chan_slot(struct chan *c, uint32_t i)
{
	return (struct cordon_slot *)(c->base + c->slots + (size_t)i * CHAN_STRIDE);
}

unsigned char *chan_arena(struct chan *c, uint32_t i)
{
	return (unsigned char *)chan_slot(c, i) + CORDON_SLOT_HEAD;
}

int chan_request(struct chan *c, uint32_t slot, uint32_t op, uint32_t fn,
		 const int64_t args[CORDON_MAX_ARGS], uint32_t ptr_mask, int64_t *result)
{
	struct cordon_slot *s = chan_slot(c, slot);
	long until = now_ms() + TIMEOUT_MS;
	uint32_t st;
	int i;

	s->op = op;
	s->fn = fn;
	s->ptr_mask = ptr_mask;
	for (i = 0; i < CORDON_MAX_ARGS; i++)
		s->args[i] = args ? args[i] : 0;
	__atomic_store_n(&s->state, CORDON_SLOT_REQUEST, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->host_waiting, __ATOMIC_SEQ_CST))
		wake(&s->state);
	/* spin briefly, as the JVM side does, before sleeping */
	for (i = 0; i < SPIN_POLLS; i++) {
		if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == CORDON_SLOT_DONE)
			break;
		__builtin_ia32_pause();
	}
	for (;;) {
		st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
		if (st == CORDON_SLOT_DONE)
			break;
		if (!alive(c) || now_ms() > until)
			return -1;
		__atomic_store_n(&s->caller_waiting, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->state, __ATOMIC_SEQ_CST) == CORDON_SLOT_REQUEST)
			wait_on(&s->state, CORDON_SLOT_REQUEST);
		__atomic_store_n(&s->caller_waiting, 0, __ATOMIC_SEQ_CST);
	}
	if (result)
		*result = s->result;
	i = s->status;
	__atomic_store_n(&s->state, CORDON_SLOT_IDLE, __ATOMIC_SEQ_CST);
	return i;
}

int64_t chan_resolve(struct chan *c, const char *name)
{
	int64_t r = -1;
	int st;

	strcpy((char *)chan_arena(c, 0), name);
	st = chan_request(c, 0, CORDON_OP_RESOLVE, 0, NULL, 0, &r);
	return st == CORDON_STATUS_OK ? r : -(st < 0 ? 100 : st);
}

int chan_reap(struct chan *c, int timeout_ms)
{
	long until = now_ms() + timeout_ms;

	while (alive(c)) {
		if (now_ms() > until)
			return 0;
		usleep(2000);
	}
	return 1;
}

void chan_close(struct chan *c)
{
	uint32_t i;

	if (c->base && c->base != MAP_FAILED) {
		for (i = 0; i < c->nslots; i++) {
			__atomic_store_n(&chan_slot(c, i)->state, CORDON_SLOT_DEAD, __ATOMIC_SEQ_CST);
			wake(&chan_slot(c, i)->state);
		}
	}
	if (c->pid > 0 && !chan_reap(c, 3000)) {
		kill(c->pid, SIGKILL);
		chan_reap(c, 3000);
	}
	if (c->base && c->base != MAP_FAILED)
		munmap(c->base, c->size);
	if (c->fd >= 0)
		close(c->fd);
	c->base = NULL;
	c->fd = -1;
}
