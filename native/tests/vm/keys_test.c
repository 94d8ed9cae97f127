/*
 * Key virtualisation (mpk/keys.c) under real protection keys: run in the
 * PKU test VM (make vm-test). 64 domains share the 13 or so domain keys;
 * each is a small region holding a marker of its own. Every call enters the
 * domain, reads its own marker under the domain's PKRU (must work) and a
 * neighbour's (must fault with SEGV_PKUERR), then leaves. Prints
 * "keys-vm-tests: N passed, M failed, S skipped" last; exit status 1 if
 * anything failed.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <unistd.h>

#include "cordon/mpk.h"
#include "mpk/keys.h"
#include "mpk/pkru.h"
#include "tests/vm/check.h"

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

#define DOMAINS 64
#define ROUNDS 20
#define THREADS 4
#define THREAD_CALLS 1000


/* --- reading under a domain PKRU, catching the fault --- */

static __thread sigjmp_buf jump;
static __thread volatile int fault_code, fault_pkey;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	/* the kernel's init PKRU here: key 0 (this stack, the TLS) is open */
	fault_code = si->si_code;
	fault_pkey = si->si_pkey;
	siglongjmp(jump, 1);
}

/* Nothing may touch the stack (key 0) between the two WRPKRUs: a short
 * noinline leaf keeps the value in a register. */
__attribute__((noinline)) static uint64_t read_as(uint32_t pkru, const volatile uint64_t *p)
{
	uint64_t v;

	cordon_wrpkru(pkru);
	v = *p;
	cordon_wrpkru(0);
	return v;
}

/* *p under pkru into *v; the SIGSEGV si_code (0: none). PKRU 0 after. */
static int try_read(uint32_t pkru, const volatile uint64_t *p, uint64_t *v)
{
	fault_code = 0;
	fault_pkey = -1;
	if (sigsetjmp(jump, 1) == 0)
		*v = read_as(pkru, p);
	else
		cordon_wrpkru(0);
	return fault_code;
}

/* --- the domains --- */

struct vdom {
	struct keys_user u;
	uint64_t *base; /* marker at [0] */
	size_t size;
	uint64_t marker;
};

static struct vdom doms[DOMAINS];
static struct keys *keys;
static _Atomic unsigned long retags;

static int retag(void *owner, int key)
{
	struct vdom *d = owner;

	atomic_fetch_add(&retags, 1);
	return cordon_pkey_mprotect(d->base, d->size, PROT_READ | PROT_WRITE, key);
}

static int make_domain(int i)
{
	struct vdom *d = &doms[i];

	d->size = 2 * (size_t)sysconf(_SC_PAGESIZE);
	d->base = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (d->base == MAP_FAILED)
		return -errno;
	d->marker = 0xc0d0000000000000ull | (uint64_t)i << 8 | 0x5a;
	d->base[0] = d->marker;
	return keys_register(keys, &d->u, d, retag);
}

/* what went wrong in calls, by kind */
struct tally {
	_Atomic unsigned long calls, enter_err, own_bad, nb_open, nb_wrong_key;
};

/* One call on domain i: enter, own marker readable, neighbour's not. */
static void one_call(struct tally *t, int i)
{
	struct vdom *d = &doms[i], *nb = &doms[(i + 1) % DOMAINS];
	uint32_t pkru;
	uint64_t v = 0;
	int key, code, nb_key;

	key = keys_enter(keys, &d->u);
	if (key <= 0 || key == keys_parking_key(keys) || key == keys_switch_key(keys)) {
		atomic_fetch_add(&t->enter_err, 1);
		if (key > 0)
			keys_leave(keys, &d->u);
		return;
	}
	pkru = cordon_pkru_for_domain(key);
	if (try_read(pkru, d->base, &v) || v != d->marker)
		atomic_fetch_add(&t->own_bad, 1);
	/* the neighbour may be in flight elsewhere, or parked: either way
	 * its key is not ours */
	code = try_read(pkru, nb->base, &v);
	nb_key = fault_pkey;
	if (code != SEGV_PKUERR)
		atomic_fetch_add(&t->nb_open, 1);
	else if (nb_key == key || nb_key <= 0)
		atomic_fetch_add(&t->nb_wrong_key, 1);
	keys_leave(keys, &d->u);
	atomic_fetch_add(&t->calls, 1);
}

static void report(struct tally *t, const char *what)
{
	check(t->enter_err == 0, "%s: %lu calls, every enter gave a domain key (%lu bad)",
	      what, t->calls, t->enter_err);
	check(t->own_bad == 0, "%s: own marker read under the domain's PKRU (%lu bad)", what,
	      t->own_bad);
	check(t->nb_open == 0 && t->nb_wrong_key == 0,
	      "%s: neighbour's marker faults SEGV_PKUERR on another key (%lu readable, "
	      "%lu on the wrong key)", what, t->nb_open, t->nb_wrong_key);
}

static int invariants(void)
{
	char why[160];
	int ok = keys_check_invariants(keys, why, sizeof(why)) == 0;

	return check(ok, "invariants hold%s%s", ok ? "" : ": ", why);
}

/* --- the tests --- */

static void shuffle(int *order, int n, unsigned *seed)
{
	int i, j, t;

	for (i = n - 1; i > 0; i--) {
		j = (int)(rand_r(seed) % (unsigned)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static void single_thread(void)
{
	struct tally t = { 0 };
	struct keys_stats st;
	int order[DOMAINS], i, r;
	unsigned seed = 42;

	for (i = 0; i < DOMAINS; i++)
		order[i] = i;
	for (r = 0; r < ROUNDS; r++) {
		shuffle(order, DOMAINS, &seed);
		for (i = 0; i < DOMAINS; i++)
			one_call(&t, order[i]);
	}
	report(&t, "one thread, 64 domains x 20 in random order");
	keys_get_stats(keys, &st);
	printf("note: %llu evictions, %lu retags\n", (unsigned long long)st.evictions,
	       (unsigned long)retags);
	check(st.evictions >= (uint64_t)(ROUNDS * (DOMAINS - st.domain_keys)),
	      "keys taken back and re-tagged (%llu evictions)",
	      (unsigned long long)st.evictions);
	invariants();
}

static struct tally mt;

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u;
	int n;

	cordon_wrpkru(0);
	for (n = 0; n < THREAD_CALLS; n++)
		one_call(&mt, (int)(rand_r(&seed) % DOMAINS));
	return NULL;
}

static void threads(void)
{
	pthread_t th[THREADS];
	int i, started = 0;

	for (i = 0; i < THREADS; i++)
		started += pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1)) == 0;
	check(started == THREADS, "%d threads started", started);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	/* 4 threads, 13 keys: never -EBUSY, so every call counts */
	report(&mt, "4 threads at once");
	invariants();
}

/* A parked domain: closed to every domain PKRU, on the parking key; open
 * to the trusted side. */
static void parked(void)
{
	int park = keys_parking_key(keys), i, code, key;
	uint64_t v = 0;

	for (i = 0; i < DOMAINS && atomic_load(&doms[i].u.key) != park; i++)
		;
	if (!check(i < DOMAINS, "some domain is parked"))
		return;
	key = keys_enter(keys, &doms[(i + 1) % DOMAINS].u);
	if (key > 0) {
		code = try_read(cordon_pkru_for_domain(key), doms[i].base, &v);
		check(code == SEGV_PKUERR && fault_pkey == park,
		      "a parked domain's memory faults on the parking key %d (code %d, pkey %d)",
		      park, code, fault_pkey);
		keys_leave(keys, &doms[(i + 1) % DOMAINS].u);
	}
	check(try_read(0, doms[i].base, &v) == 0 && v == doms[i].marker,
	      "the trusted side reads a parked domain's memory");
}

static void teardown(void)
{
	struct keys_stats st;
	int i, bad = 0, n = 0, k2;

	for (i = 0; i < DOMAINS; i++) {
		bad += keys_unregister(keys, &doms[i].u) != 0;
		bad += munmap(doms[i].base, doms[i].size) != 0;
	}
	keys_get_stats(keys, &st);
	check(!bad && st.users == 0 && st.free_keys == st.domain_keys && st.lost == 0,
	      "unregister all 64: every key free (%u of %u), none lost", st.free_keys,
	      st.domain_keys);
	keys_fini(keys);
	while ((k2 = cordon_pkey_alloc()) > 0)
		n++;
	printf("note: after keys_fini %d keys allocatable\n", n);
	check(n >= 14, "keys_fini gave the keys back to the kernel (%d)", n);
}

static int run(void)
{
	int rc, i;

	cordon_wrpkru(0);
	rc = keys_init(&keys, 64);
	if (!check(rc == 0, "keys_init (%d)", rc))
		return 1;
	printf("note: switch key %d, parking key %d, %u domain keys\n", keys_switch_key(keys),
	       keys_parking_key(keys), keys_domain_keys(keys));
	check(keys_domain_keys(keys) >= 12 && keys_switch_key(keys) > 0 &&
	      keys_parking_key(keys) > 0 && keys_switch_key(keys) != keys_parking_key(keys),
	      "switch and parking keys, then at least 12 domain keys");
	check(cordon_pkey_alloc() == -ENOSPC, "keys_init took every key the kernel had");
	cordon_wrpkru(0);
	for (i = rc = 0; i < DOMAINS && !rc; i++)
		rc = make_domain(i);
	if (!check(rc == 0, "64 domains registered (%d)", rc))
		return 1;
	invariants();
	single_thread();
	threads();
	parked();
	teardown();
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	vm_without_rseq(argv);
	sigaction(SIGSEGV, &sa, NULL);
	if (check(cordon_mpk_available() == 1, "cordon_mpk_available()"))
		run();
	return vm_summary("keys-vm-tests");
}
