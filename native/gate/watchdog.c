/*
 * Deadlines: one watchdog thread for the process, started with the first
 * call that has a deadline. While such calls are in flight it wakes about
 * every millisecond and signals each thread whose call is past its
 * deadline (once per call: the record's generation); about 100 ms after
 * the last one it sleeps on a futex, woken by the next armed call. While
 * awake it also puts the signal fronts back in front of handlers installed
 * after them (signals.c), every ~10 ms, and the call that wakes it does so
 * before it enters. It never attaches and never enters a domain. The
 * signal handler decides (signals.c): a signal for a call that has already
 * ended is ignored.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "gate.h"

static _Atomic unsigned word;   /* futex: bumped by an arm that finds it asleep */
static _Atomic int sleeping;
static pthread_once_t started = PTHREAD_ONCE_INIT;
static int64_t coarse_res_ns;

int64_t gate_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Signals the calls past their deadline; returns how many calls with a
 * deadline are in flight. */
static unsigned scan(void)
{
	unsigned i, n = gate_blocks_used(), armed = 0;
	int64_t now = gate_now_ns(), dl;
	struct gate_record *r;
	uint64_t gen;

	for (i = 0; i < n; i++) {
		r = gate_record_of(i);
		if (!r->in_use || !atomic_load(&r->domain))
			continue;
		gen = atomic_load(&r->gen);
		dl = atomic_load(&r->deadline);
		if (!dl)
			continue;
		armed++;
		if (now < dl || r->sent_gen == gen)
			continue;
		r->sent_gen = gen;
		gate_send(r, gen, 0);
	}
	return armed;
}

static void *watch(void *arg)
{
	struct timespec ms = { 0, 1000000 };
	sigset_t all;
	unsigned w, idle = 0, ticks = 0;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		w = atomic_load(&word);
		/* stay awake ~100 ms after the last armed call: calls come in
		 * runs, and waking us costs the caller a futex syscall */
		idle = scan() ? 0 : idle + 1;
		if (++ticks % 10 == 0)
			gate_signals_refresh();
		if (idle > 100) {
			idle = 0;
			/* Dekker with gate_deadline_arm: it stores the deadline,
			 * then reads sleeping; we store sleeping, then scan */
			atomic_store(&sleeping, 1);
			if (!scan())
				syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, w, NULL, NULL, 0);
			atomic_store(&sleeping, 0);
			continue;
		}
		nanosleep(&ms, NULL);
	}
	return NULL;
}

static void start(void)
{
	struct timespec res;
	pthread_attr_t a;
	pthread_t t;

	clock_getres(CLOCK_MONOTONIC_COARSE, &res);
	coarse_res_ns = (int64_t)res.tv_sec * 1000000000 + res.tv_nsec;
	gate_signals_refresh(); /* as for a wake-up: this call starts it */

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 64 * 1024);
	pthread_create(&t, &a, watch, NULL);
	pthread_attr_destroy(&a);
}

/* The coarse clock: a few ns where a clock read costs 20 or more (a
 * paravirtual clock). It lags CLOCK_MONOTONIC by less than its resolution
 * (coarse_res_ns, set at start), so now + resolution is never early. */
static int64_t coarse_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The record's deadline, timeout_ns from now, seen by the watchdog; wakes
 * it if it sleeps. The caller clears the deadline when the call ends. */
void gate_deadline_arm(struct gate_record *r, int64_t timeout_ns)
{
	int64_t now, deadline;

	pthread_once(&started, start);
	now = coarse_now_ns() + coarse_res_ns;
	deadline = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
	atomic_store(&r->deadline, deadline);
	if (atomic_load(&sleeping)) {
		/* the first call after a quiet spell: handlers installed in it
		 * get their fronts before this call enters (~64 sigaction
		 * queries, once per spell) */
		gate_signals_refresh();
		atomic_fetch_add(&word, 1);
		syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}
