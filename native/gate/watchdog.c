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
 *
 * A call only stores its timeout; the watchdog turns it into a deadline on
 * CLOCK_MONOTONIC when it first sees the call, reading the clock after it
 * saw the timeout, so after the call began: a deadline is never early,
 * and late by at most about one tick. The call reads no clock at all: a
 * CLOCK_MONOTONIC read costs 20-40 ns where a gate call is ~300
 * instructions, and the cheap CLOCK_MONOTONIC_COARSE is no bound (with
 * the tick stopped, NO_HZ, it lags by more than its resolution; that made
 * a 100 ms deadline fire at 99 ms).
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

int64_t gate_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The deadline of call gen on r: timeout from now, read after the
 * caller saw the call's timeout, so never before the call began. Stored
 * before its generation, which the handler checks first. */
static void set_deadline(struct gate_record *r, uint64_t gen, int64_t timeout)
{
	int64_t now = gate_now_ns();

	atomic_store(&r->deadline, timeout > INT64_MAX - now ? INT64_MAX : now + timeout);
	atomic_store(&r->deadline_gen, gen);
}

/* Signals the calls past their deadline; returns how many calls with a
 * deadline are in flight. */
static unsigned scan(void)
{
	unsigned i, n = gate_blocks_used(), armed = 0;
	int64_t now = gate_now_ns(), timeout;
	struct gate_record *r;
	uint64_t gen;

	for (i = 0; i < n; i++) {
		r = gate_record_of(i);
		if (!r->in_use || !atomic_load(&r->domain))
			continue;
		/* gen first: a timeout read after it is this call's or 0 */
		gen = atomic_load(&r->gen);
		timeout = atomic_load(&r->timeout);
		if (!timeout)
			continue;
		armed++;
		if (atomic_load(&r->deadline_gen) != gen) {
			set_deadline(r, gen, timeout);
			continue;
		}
		if (now < atomic_load(&r->deadline) || r->sent_gen == gen)
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
			/* Dekker with gate_deadline_arm: it stores the timeout,
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
	pthread_attr_t a;
	pthread_t t;

	gate_signals_refresh(); /* as for a wake-up: this call starts it */

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 64 * 1024);
	pthread_create(&t, &a, watch, NULL);
	pthread_attr_destroy(&a);
}

/* The record's timeout, seen by the watchdog, which sets the deadline
 * from it; wakes the watchdog if it sleeps. The caller clears the timeout
 * when the call ends. */
void gate_deadline_arm(struct gate_record *r, int64_t timeout_ns)
{
	pthread_once(&started, start);
	atomic_store(&r->timeout, timeout_ns);
	if (atomic_load(&sleeping)) {
		/* the first call after a quiet spell: handlers installed in it
		 * get their fronts before this call enters (~64 sigaction
		 * queries, once per spell) */
		gate_signals_refresh();
		atomic_fetch_add(&word, 1);
		syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}
