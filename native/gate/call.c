/*
 * cordon_mpk_call: one call into a domain on one lane. The C half checks
 * the arguments, claims the lane, gets the domain a key (keys.h), fills
 * in the thread's record and switch page, arms the deadline, and hands
 * over to gate_enter (gate.S), which comes back with a status.
 */
#include <errno.h>
#include <string.h>

#include "gate.h"

#define API __attribute__((visibility("default")))

/* Claim the key and the switch page's view of the call: the PKRU, and
 * for a uswitch domain the kernel context and SUD letting its system
 * calls through to the kernel (which its context's filter confines). */
static int enter_keys(struct cordon_mpk_domain *d, struct gate_record *r)
{
	int key;

	r->sw->domain_selector = d->kctx ? SEL_ALLOW : SEL_BLOCK;
	r->sw->kctx = (uint32_t)d->kctx;
	if (d->kctx && !r->kctx_registered)
		return -EPERM; /* its syscalls would run in the root context */
	if (!d->hw) {
		r->sw->hw = 0;
		r->sw->expected = 0;
		return 0;
	}
	key = keys_enter(gate_g.keys, &d->ku);
	if (key < 0)
		return key;
	r->sw->hw = 1;
	r->sw->expected = gate_pkru_for(key);
	return 0;
}

static int finish(struct cordon_mpk_domain *d, struct gate_record *r, int st)
{
	if (st == GATE_JUMPED) {
		gate_domain_die(d, "native fault: the domain jumped into the gate's abort path");
		st = CORDON_CALL_FAULT;
	}
	if (st == CORDON_CALL_DEAD && !atomic_load(&d->dead))
		gate_domain_die(d, "killed");
	(void)r;
	return st;
}

int gate_call(struct cordon_mpk_domain *d, unsigned lane, void *fn,
	      const int64_t args[6], int64_t *result, int64_t timeout_ns)
{
	struct gate_record *r = gate_attach();
	struct gate_lane *ln;
	struct gate_call c;
	int st, zero = 0, rc;

	if (!r)
		return -EAGAIN;
	if (r->domain)
		return -EDEADLK; /* re-entered from a chained signal handler */
	rc = gate_altstack_check(r);
	if (rc)
		return rc;
	ln = &d->lanes[lane];
	if (!atomic_compare_exchange_strong(&ln->busy, &zero, 1))
		return CORDON_CALL_BUSY;
	r->lane = lane;
	r->abort_status = 0;
	r->sw->pending = 0;
	/* only this thread writes gen: a plain increment, made visible to the
	 * watchdog and to kill by the sequentially consistent stores below */
	atomic_store_explicit(&r->gen, atomic_load_explicit(&r->gen, memory_order_relaxed) + 1,
			      memory_order_release);
	/* published before looking at dead: cordon_mpk_kill sets dead, then
	 * looks for records with d (both sequentially consistent) */
	atomic_store(&r->domain, d);
	if (atomic_load(&d->dead)) {
		st = CORDON_CALL_DEAD;
		goto out;
	}
	rc = enter_keys(d, r);
	if (rc) {
		st = rc == -EBUSY ? CORDON_CALL_BUSY : rc;
		goto out;
	}
	memcpy(c.args, args, sizeof(c.args));
	c.fn = (uint64_t)(uintptr_t)fn;
	c.stack = ln->stack_top;
	c.tb = ln->tb;
	c.hw = (uint64_t)d->hw;
	*(int *)(ln->tb + TB_TID) = r->tid;
	if (timeout_ns)
		gate_deadline_arm(r, timeout_ns);
	st = gate_enter(&c, result);
	if (d->hw)
		keys_leave(gate_g.keys, &d->ku);
	st = finish(d, r, st);
out:
	/* release stores: a kill or a deadline signal that still sees the
	 * call is told apart by its generation (signals.c) */
	if (timeout_ns)
		atomic_store_explicit(&r->timeout, 0, memory_order_release);
	atomic_store_explicit(&r->domain, NULL, memory_order_release);
	atomic_store_explicit(&ln->busy, 0, memory_order_release);
	return st;
}

API int cordon_mpk_call(struct cordon_mpk_domain *d, unsigned lane, void *fn,
			const int64_t args[6], int64_t *result, int64_t timeout_ns)
{
	int64_t none[6] = { 0 };

	if (!d || d->magic != GATE_MAGIC || lane >= d->nlanes || !result ||
	    !gate_exec_contains(d, (uintptr_t)fn) || timeout_ns < 0)
		return -EINVAL;
	return gate_call(d, lane, fn, args ? args : none, result, timeout_ns);
}
