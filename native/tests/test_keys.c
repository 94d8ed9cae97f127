/*
 * Key virtualisation (mpk/keys.c) on the build host: a fake key allocator
 * and fake domains whose "pages" are two ranges, each remembering the key
 * it carries. The fake retag logs (domain, key), can be told to fail
 * (midway: one range re-tagged, the other not), and checks that no other
 * live domain's pages carry, and no call is in flight on, a domain key it
 * hands out. The real allocator is only checked to refuse cleanly here;
 * tests/vm/keys_test.c runs it under real keys.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../mpk/keys.h"
#include "cordon/mpk.h"
#include "harness.h"
#include "suites.h"

/* --- the fake allocator: keys 1..limit --- */

struct fake_alloc {
	int limit;
	unsigned used; /* bit per key */
};

static int fake_alloc(void *ctx)
{
	struct fake_alloc *a = ctx;
	int key;

	for (key = 1; key <= a->limit; key++)
		if (!(a->used & 1u << key)) {
			a->used |= 1u << key;
			return key;
		}
	return -ENOSPC;
}

static void fake_free(void *ctx, int key)
{
	((struct fake_alloc *)ctx)->used &= ~(1u << key);
}

/* --- fake domains --- */

#define MAX_DOMS 32

struct fdom {
	struct keys_user u;
	int id;
	_Atomic int live;
	_Atomic int tag[2]; /* the key each of its two ranges carries */
};

static struct fdom doms[MAX_DOMS];
static int ndoms, parking;
static _Atomic int violations;
static char violation[160];

/* the log of retags: (id, key, failed) */
struct logged {
	int id, key, failed;
};
static struct logged log_[256];
static int nlog, logging;

/* failures to inject: the next fail_next retags fail; the first range is
 * re-tagged before (to a domain key: "midway") */
static _Atomic int fail_next;
static int retag_sleep; /* stress: sleep in the retag */

/* per key: calls in flight, and the domain (id << 32 | count) */
static _Atomic uint64_t inkey[CORDON_PKEY_COUNT];

static void __attribute__((format(printf, 1, 2))) violated(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&violations, 1) == 0) {
		va_start(ap, fmt);
		vsnprintf(violation, sizeof(violation), fmt, ap);
		va_end(ap);
	}
}

static void tiny_sleep(unsigned *seed, long max_ns)
{
	struct timespec ts = { 0, (long)(rand_r(seed) % (unsigned)max_ns) };

	nanosleep(&ts, NULL);
}

/* no other live domain carries key, no call is in flight on it */
static void check_key_unused(const struct fdom *d, int key)
{
	uint64_t in = atomic_load(&inkey[key]);
	int i;

	if ((uint32_t)in)
		violated("retag of %d to key %d while domain %d calls on it",
			 d->id, key, (int)(in >> 32));
	for (i = 0; i < ndoms; i++)
		if (&doms[i] != d && atomic_load(&doms[i].live) &&
		    (atomic_load(&doms[i].tag[0]) == key ||
		     atomic_load(&doms[i].tag[1]) == key))
			violated("retag of %d to key %d: domain %d carries it", d->id, key, i);
}

static int fake_retag(void *owner, int key)
{
	struct fdom *d = owner;
	int fail = atomic_load(&fail_next) > 0;
	unsigned seed = (unsigned)(uintptr_t)d ^ (unsigned)key;

	if (fail)
		atomic_fetch_sub(&fail_next, 1);
	if (logging && nlog < (int)(sizeof(log_) / sizeof(log_[0])))
		log_[nlog++] = (struct logged){ d->id, key, fail };
	if (key != parking)
		check_key_unused(d, key);
	if (retag_sleep)
		tiny_sleep(&seed, 20000);
	if (fail) {
		if (key != parking)
			atomic_store(&d->tag[0], key);
		return -ENOMEM;
	}
	atomic_store(&d->tag[0], key);
	atomic_store(&d->tag[1], key);
	return 0;
}

/* a fresh world: limit keys from the allocator, max_keys for domains */
static struct keys *world(struct fake_alloc *a, int limit, unsigned max_keys, int n)
{
	const struct keys_ops ops = { fake_alloc, fake_free, a };
	struct keys *k = NULL;
	int i;

	memset(doms, 0, sizeof(doms));
	memset(inkey, 0, sizeof(inkey));
	a->limit = limit;
	a->used = 0;
	ndoms = n;
	for (i = 0; i < n; i++)
		doms[i].id = i;
	nlog = 0;
	atomic_store(&violations, 0);
	atomic_store(&fail_next, 0);
	retag_sleep = 0;
	if (keys_init_ops(&k, max_keys, &ops) == 0)
		parking = keys_parking_key(k);
	return k;
}

static int reg(struct keys *k, int i)
{
	atomic_store(&doms[i].live, 1);
	return keys_register(k, &doms[i].u, &doms[i], fake_retag);
}

static int unreg(struct keys *k, int i)
{
	int rc = keys_unregister(k, &doms[i].u);

	atomic_store(&doms[i].live, 0);
	return rc;
}

static int call(struct keys *k, int i)
{
	int key = keys_enter(k, &doms[i].u);

	if (key > 0)
		keys_leave(k, &doms[i].u);
	return key;
}

static int invariants(struct keys *k)
{
	char why[160];
	int ok = keys_check_invariants(k, why, sizeof(why)) == 0;

	return check(ok, "invariants hold%s%s", ok ? "" : ": ", why);
}

/* "A3 B4" from the log since `from` ('*' marks a failed retag) */
static const char *log_text(int from)
{
	static char s[512];
	int i;

	s[0] = 0;
	for (i = from; i < nlog; i++)
		snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s%c%d%s", i > from ? " " : "",
			 'A' + log_[i].id, log_[i].key, log_[i].failed ? "*" : "");
	return s;
}

static int log_is(int from, const char *want)
{
	return check(!strcmp(log_text(from), want), "retags %s (want %s)", log_text(from), want);
}

static struct keys_stats stats(struct keys *k)
{
	struct keys_stats st;

	keys_get_stats(k, &st);
	return st;
}

/* --- init --- */

static void init_tests(void)
{
	struct fake_alloc a;
	struct keys *k;
	int rc;

	k = world(&a, 15, 64, 0);
	if (check(k != NULL, "15 keys, 64 wanted: init")) {
		check(keys_switch_key(k) == 1 && keys_parking_key(k) == 2 &&
		      keys_domain_keys(k) == 13, "switch 1, parking 2, 13 domain keys (%u)",
		      keys_domain_keys(k));
		keys_fini(k);
		check(a.used == 0, "fini frees every key (0x%x)", a.used);
	}
	k = world(&a, 3, 64, 0);
	check(k && keys_domain_keys(k) == 1, "3 keys: one domain key");
	keys_fini(k);
	k = world(&a, 15, 3, 0);
	check(k && keys_domain_keys(k) == 3 && a.used == 0x3e, "max_keys 3: 5 keys taken (0x%x)",
	      a.used);
	keys_fini(k);
	{
		const struct keys_ops ops = { fake_alloc, fake_free, &a };

		a.limit = 2;
		a.used = 0;
		k = (struct keys *)&a;
		rc = keys_init_ops(&k, 64, &ops);
		check(rc == -ENOSPC && !k && a.used == 0,
		      "2 keys: refused (%d), nothing kept (0x%x)", rc, a.used);
	}
	k = (struct keys *)&a;
	rc = keys_init(&k, 64);
	if (cordon_mpk_available()) {
		check(rc == 0 && k && keys_domain_keys(k) >= 1, "real keys: init (%d)", rc);
		keys_fini(k);
	} else {
		check(rc < 0 && !k, "no PKU here: real keys_init refused (%d, %s)", rc,
		      strerror(-rc));
	}
}

/* --- five domains on three keys (3, 4, 5; parking 2) --- */

static void lru_tests(struct keys *k)
{
	int from;

	check(reg(k, 0) == 0 && reg(k, 1) == 0 && reg(k, 2) == 0, "register A, B, C");
	log_is(0, "A3 B4 C5");
	from = nlog;
	check(reg(k, 3) == 0 && reg(k, 4) == 0, "register D, E");
	log_is(from, "A2 D3 B2 E4");
	check(atomic_load(&doms[0].u.key) == parking && atomic_load(&doms[1].u.key) == parking,
	      "A and B parked");
	from = nlog;
	check(call(k, 2) == 5, "C: fast path, key 5");
	log_is(from, "");
	check(call(k, 0) == 3, "A back: evicts D, the least recently used, key 3");
	check(call(k, 1) == 4, "B back: evicts E, key 4");
	check(call(k, 0) == 3, "A again: fast path");
	check(call(k, 3) == 5, "D back: evicts C, key 5");
	log_is(from, "D2 A3 E2 B4 C2 D5");
	check(stats(k).evictions == 5, "5 evictions (%llu)",
	      (unsigned long long)stats(k).evictions);
	invariants(k);
}

static void inflight_tests(struct keys *k)
{
	int from = nlog, b, c, e, rc;

	/* LRU now B < A < D; B stays in flight */
	b = keys_enter(k, &doms[1].u);
	check(b == 4, "B in flight on key 4");
	check(call(k, 2) == 3, "C: evicts A, not B (B is older but busy)");
	check(call(k, 4) == 5, "E: evicts D");
	log_is(from, "A2 C3 D2 E5");
	c = keys_enter(k, &doms[2].u);
	e = keys_enter(k, &doms[4].u);
	check(c == 3 && e == 5, "C and E in flight too");
	check(keys_unregister(k, &doms[1].u) == -EBUSY, "unregister B in flight: -EBUSY");
	from = nlog;
	rc = keys_enter(k, &doms[0].u);
	check(rc == -EBUSY, "all three holders busy: A gets -EBUSY (%d)", rc);
	check(atomic_load(&doms[0].u.inflight) == 0 &&
	      atomic_load(&doms[0].u.key) == parking, "A not counted, still parked");
	check(stats(k).busy == 1, "busy counted");
	check(reg(k, 5) == 0 && atomic_load(&doms[5].u.key) == parking,
	      "F registered while all busy: starts parked");
	log_is(from, "F2");
	invariants(k);
	keys_leave(k, &doms[1].u);
	keys_leave(k, &doms[2].u);
	keys_leave(k, &doms[4].u);
	check(call(k, 0) > 0, "after they leave, A gets a key");
	invariants(k);
}

/* holders now: C 3, A 4, E 5 (B, D, F parked); returns the lost key */
static int failure_tests(struct keys *k)
{
	int from, rc, key, lost;
	struct keys_stats st;

	from = nlog;
	check(unreg(k, 4) == 0 && stats(k).free_keys == 1, "unregister E frees its key");
	log_is(from, "E2");
	from = nlog;
	st = stats(k);
	check(call(k, 1) == 5 && stats(k).evictions == st.evictions,
	      "B takes the freed key 5, no eviction");
	log_is(from, "B5");

	/* a victim's park fails midway, the way back works: it keeps its key */
	atomic_store(&fail_next, 1);
	from = nlog;
	rc = keys_enter(k, &doms[3].u);
	check(rc == -ENOMEM, "D: the victim's retag fails: -ENOMEM (%d)", rc);
	log_is(from, "C2* C3");
	check(atomic_load(&doms[2].u.key) == 3 && doms[2].tag[0] == 3 && doms[2].tag[1] == 3,
	      "the victim C keeps key 3, all its pages back on it");
	check(atomic_load(&doms[3].u.key) == parking && doms[3].u.inflight == 0, "D parked");
	invariants(k);

	/* a new key fails midway, the way back works: parked, key free */
	check(unreg(k, 2) == 0, "unregister C (key 3 free)");
	atomic_store(&fail_next, 1);
	from = nlog;
	rc = keys_enter(k, &doms[3].u);
	check(rc == -ENOMEM && atomic_load(&doms[3].u.key) == parking &&
	      doms[3].tag[0] == parking && doms[3].tag[1] == parking,
	      "D: retag to key 3 fails: -ENOMEM, parked, pages parked (%d)", rc);
	log_is(from, "D3* D2");
	check(stats(k).free_keys == 1, "key 3 free again");
	invariants(k);
	check(call(k, 3) == 3, "D: next try gets key 3");

	/* both fail: F unusable, its key withheld */
	check(unreg(k, 3) == 0, "unregister D (key 3 free)");
	atomic_store(&fail_next, 2);
	from = nlog;
	rc = keys_enter(k, &doms[5].u);
	st = stats(k);
	check(rc == -ENOMEM && doms[5].u.error == -EIO && doms[5].u.stuck_key == 3,
	      "F: retag and the way back fail: -ENOMEM, unusable (%d)", rc);
	log_is(from, "F3* F2*");
	check(keys_enter(k, &doms[5].u) == -EIO, "F: next enter -EIO");
	check(st.free_keys == 0, "key 3 withheld from everyone");
	invariants(k);
	check(reg(k, 6) == 0, "register G");
	for (rc = 0, key = 0; rc < 12; rc++)
		key |= call(k, (int[]){ 0, 1, 6 }[rc % 3]) == 3;
	check(!key && stats(k).evictions > st.evictions + 6 && doms[5].tag[0] == 3,
	      "A, B, G go round on keys 4 and 5 (%llu evictions), F's key 3 untouched",
	      (unsigned long long)(stats(k).evictions - st.evictions));
	invariants(k);
	from = nlog;
	check(unreg(k, 5) == 0 && stats(k).free_keys == 1 && stats(k).lost == 0,
	      "unregister F parks its pages: key 3 free again");
	log_is(from, "F2");

	/* unregister fails: the key is lost for good */
	lost = call(k, 6);
	atomic_store(&fail_next, 1);
	rc = unreg(k, 6);
	st = stats(k);
	check(rc == -ENOMEM && st.lost == 1 && st.users == 2,
	      "unregister G whose retag fails: -ENOMEM, key %d lost (%u), unregistered", lost,
	      st.lost);
	for (rc = 0; rc < 20 && call(k, rc % 2) != lost; rc++)
		;
	check(rc == 20, "the lost key is never handed out again");
	invariants(k);
	check(unreg(k, 0) == 0 && unreg(k, 1) == 0 && stats(k).users == 0, "unregister the rest");
	check(keys_enter(k, &doms[0].u) == -EINVAL, "enter after unregister: -EINVAL");
	return lost;
}

/* A domain whose pages no one can reach: its key freed without a retag */
static void unreachable_tests(void)
{
	struct fake_alloc a;
	struct keys *k = world(&a, 15, 2, 3);
	int from, key;

	if (!check(k != NULL, "unreachable: init with 2 domain keys"))
		return;
	logging = 1;
	check(reg(k, 0) == 0 && reg(k, 1) == 0, "unreachable: register A, B");
	key = atomic_load(&doms[0].u.key);
	from = nlog;
	check(keys_enter(k, &doms[0].u) == key &&
	      keys_unregister_unreachable(k, &doms[0].u) == -EBUSY,
	      "unreachable: A in flight: -EBUSY");
	keys_leave(k, &doms[0].u);
	check(keys_unregister_unreachable(k, &doms[0].u) == 0, "unreachable: unregister A");
	atomic_store(&doms[0].live, 0);
	log_is(from, "");
	check(stats(k).free_keys == 1, "unreachable: A's key is free (%u)", stats(k).free_keys);
	check(keys_unregister_unreachable(k, &doms[0].u) == -EINVAL, "unreachable: again: -EINVAL");
	from = nlog;
	check(reg(k, 2) == 0 && atomic_load(&doms[2].u.key) == key, "unreachable: C gets key %d", key);
	log_is(from, key == 3 ? "C3" : "C?");
	invariants(k);
	logging = 0;
	check(violations == 0, "unreachable: fake retag saw no sharing (%s)", violation);
	keys_fini(k);
}

static void deterministic(void)
{
	struct fake_alloc a;
	struct keys *k = world(&a, 15, 3, 7);
	int lost;

	if (!check(k != NULL, "init with 3 domain keys"))
		return;
	logging = 1;
	lru_tests(k);
	inflight_tests(k);
	lost = failure_tests(k);
	logging = 0;
	check(violations == 0, "fake retag saw no sharing (%s)", violation);
	keys_fini(k);
	check(lost > 0 && a.used == 1u << lost, "fini frees all but the lost key (0x%x)", a.used);
}

/* --- stress: 8 threads x 2000 calls over 16 domains, a 9th thread
 * registering and unregistering 4 more --- */

#define STRESS_THREADS 8
#define STRESS_CALLS 2000
#define STRESS_FIXED 16

static struct keys *sk;
static _Atomic unsigned long s_ok, s_busy, s_err;

/* count a call on key by domain id; 0 if another domain is on it */
static int mark(int key, int id)
{
	uint64_t cur = atomic_load(&inkey[key]), next;

	do {
		if ((uint32_t)cur && (int)(cur >> 32) != id)
			return 0;
		next = (uint64_t)id << 32 | ((uint32_t)cur + 1);
	} while (!atomic_compare_exchange_weak(&inkey[key], &cur, next));
	return 1;
}

static void unmark(int key)
{
	atomic_fetch_sub(&inkey[key], 1);
}

/* one call on domain i, retried while -EBUSY */
static void one_call(int i, unsigned *seed)
{
	struct fdom *d = &doms[i];
	int key, marked;

	while ((key = keys_enter(sk, &d->u)) == -EBUSY) {
		atomic_fetch_add(&s_busy, 1);
		sched_yield();
	}
	if (key < 0) {
		violated("domain %d: enter %d", i, key);
		atomic_fetch_add(&s_err, 1);
		return;
	}
	marked = mark(key, i);
	if (!marked)
		violated("domain %d got key %d while domain %d calls on it", i, key,
			 (int)(atomic_load(&inkey[key]) >> 32));
	if (d->tag[0] != key || d->tag[1] != key)
		violated("domain %d got key %d, its pages carry %d", i, key, d->tag[0]);
	if (rand_r(seed) % 4 == 0)
		tiny_sleep(seed, 20000);
	if (d->tag[0] != key || d->tag[1] != key)
		violated("domain %d, in flight on key %d: its pages now carry %d", i, key,
			 d->tag[0]);
	if (marked)
		unmark(key);
	keys_leave(sk, &d->u);
	atomic_fetch_add(&s_ok, 1);
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u;
	int n;

	for (n = 0; n < STRESS_CALLS; n++)
		one_call((int)(rand_r(&seed) % STRESS_FIXED), &seed);
	return NULL;
}

static _Atomic int churn_bad;

static void *churner(void *arg)
{
	unsigned seed = 12345;
	char why[160];
	int n, i;

	(void)arg;
	for (n = 0; n < 400; n++) {
		i = STRESS_FIXED + (int)(rand_r(&seed) % (unsigned)(ndoms - STRESS_FIXED));
		if (atomic_load(&doms[i].live)) {
			if (unreg(sk, i))
				atomic_fetch_add(&churn_bad, 1);
		} else if (reg(sk, i)) {
			atomic_fetch_add(&churn_bad, 1);
		} else {
			one_call(i, &seed);
		}
		if (keys_check_invariants(sk, why, sizeof(why)))
			violated("invariants: %s", why);
	}
	return NULL;
}

static void stress(void)
{
	pthread_t th[STRESS_THREADS + 1];
	struct fake_alloc a;
	struct keys_stats st;
	int i, started = 0;

	sk = world(&a, 15, 3, STRESS_FIXED + 4);
	if (!check(sk != NULL, "init"))
		return;
	for (i = 0; i < STRESS_FIXED; i++)
		reg(sk, i);
	retag_sleep = 1;
	for (i = 0; i < STRESS_THREADS; i++)
		started += pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1)) == 0;
	started += pthread_create(&th[STRESS_THREADS], NULL, churner, NULL) == 0;
	check(started == STRESS_THREADS + 1, "%d threads started", started);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	st = stats(sk);
	printf("note: stress: %lu calls, %lu busy, %llu evictions\n", s_ok, s_busy,
	       (unsigned long long)st.evictions);
	check(violations == 0, "no two domains ever on one key (%d violations%s%s)",
	      (int)violations, violations ? ": " : "", violation);
	check(s_err == 0 && churn_bad == 0, "no unexpected errors");
	check(s_ok >= STRESS_THREADS * STRESS_CALLS && s_busy > 0 && st.evictions > 1000,
	      "contended: %lu calls, %lu busy, %llu evictions", s_ok, s_busy,
	      (unsigned long long)st.evictions);
	invariants(sk);
	for (i = 0; i < ndoms; i++)
		if (atomic_load(&doms[i].live))
			unreg(sk, i);
	st = stats(sk);
	check(st.users == 0 && st.free_keys == 3, "all unregistered, all keys free");
	keys_fini(sk);
}

void test_keys(void)
{
	suite("mpk: keys");
	init_tests();
	deterministic();
	unreachable_tests();
	stress();
}
