/*
 * One thread per lane, for cordon-host and cordon-jni-host alike: each sets
 * up its own signal stack, publishes its thread id (the seccomp filter lets
 * tkill reach exactly those), waits until the domain is initialised, then
 * serves its lane for good.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

#define LANE_STACK_SIZE (2u << 20) /* per lane: domain code runs here */

struct lane_thread {
	struct host *h;
	uint32_t index;
	void (*serve)(void *arg);
	void *arg;
};

static struct lane_thread threads[CORDON_MAX_SLOTS];
static int started; /* threads that have published their tid */
static int go;      /* set once the domain is initialised */

static void *lane_main(void *p)
{
	struct lane_thread *t = p;

	if (host_alt_stack())
		host_fail(t->h, "threads: worker %u: cannot set up the signal stack", t->index);
	t->h->tids[t->index] = gettid();
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	futex_wake_private(&started);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		futex_wait_private(&go, 0);
	t->serve(t->arg);
	return NULL;
}

void host_start_lanes(struct host *h, void (*serve)(void *arg), void *args, size_t stride)
{
	pthread_attr_t attr;
	pthread_t tid;
	uint32_t i;
	int n, rc;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, LANE_STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < h->nslots; i++) {
		threads[i] = (struct lane_thread){ h, i, serve, (char *)args + i * stride };
		rc = pthread_create(&tid, &attr, lane_main, &threads[i]);
		if (rc)
			host_fail(h, "threads: cannot start worker %u: %s", i, strerror(rc));
	}
	pthread_attr_destroy(&attr);
	while ((n = __atomic_load_n(&started, __ATOMIC_SEQ_CST)) < (int)h->nslots)
		futex_wait_private(&started, n);
}

void host_release_lanes(void)
{
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	futex_wake_private(&go);
}
