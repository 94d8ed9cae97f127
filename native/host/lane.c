/*
 * The lane handshake (lane.h). No allocation, no system call while the
 * other side answers within the spin: clock_gettime is the vDSO's.
 */
#include <limits.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "host/lane.h"

#define NAP_NS 100000000L
#define PURE_SPIN_NS 2000L /* then yield while spinning */
/* <linux/futex.h> is not in musl-gcc's reach */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

long lane_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void sleep_on(uint32_t *state, uint32_t *waiting, uint32_t from, long nap_ns)
{
	struct timespec ts = { nap_ns / 1000000000L, nap_ns % 1000000000L };

	__atomic_store_n(waiting, 1, __ATOMIC_SEQ_CST);
	/* EAGAIN (changed meanwhile), EINTR and the timeout all mean: look again */
	if (__atomic_load_n(state, __ATOMIC_SEQ_CST) == from)
		syscall(SYS_futex, state, FUTEX_WAIT, from, &ts, NULL, 0);
	__atomic_store_n(waiting, 0, __ATOMIC_SEQ_CST);
}

uint32_t lane_await(uint32_t *state, uint32_t *waiting, uint32_t from, long spin_ns, long deadline_ns)
{
	long t, until = 0, nap;
	unsigned n = 0;
	uint32_t st;

	for (;;) {
		st = __atomic_load_n(state, __ATOMIC_SEQ_CST);
		if (st != from)
			return st;
		if (++n % 64) {
			__builtin_ia32_pause();
			continue;
		}
		t = lane_now_ns();
		if (deadline_ns && t > deadline_ns)
			return from;
		if (!until)
			until = t + spin_ns;
		if (t < until) {
			/* past the first microseconds, let a peer that shares
			 * this CPU run (it is what we wait for) */
			if (until - t < spin_ns - PURE_SPIN_NS)
				sched_yield();
			continue;
		}
		nap = deadline_ns && deadline_ns - t < NAP_NS ? deadline_ns - t : NAP_NS;
		sleep_on(state, waiting, from, nap);
		until = 0; /* woken: spin again before the next sleep */
	}
}

void lane_wake(uint32_t *state)
{
	syscall(SYS_futex, state, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void lane_publish(uint32_t *state, const uint32_t *peer_waiting, uint32_t to)
{
	__atomic_store_n(state, to, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(peer_waiting, __ATOMIC_SEQ_CST))
		lane_wake(state);
}
