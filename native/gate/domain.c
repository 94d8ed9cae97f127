/*
 * A domain of the mpk backend (mpkdomain.h): its region, laid out as
 *
 *   [image (loader/image_at.h)] [guard] [heap] [guard] [mmap pool] [guard]
 *   per lane: [stack] [thread block] [argument area] [guard]
 *
 * all of it one reservation, so one range check covers a domain's memory,
 * each part tagged with the domain's key (keys.h; re-tagged when the key
 * changes hands) and with its own protection: code r-x, data as the image
 * says, the rest rw-, guards none. cordon_domain_init runs inside the
 * domain, through the gate, on lane 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cordon/domain.h"
#include "cordon/mpk.h"
#include "gate.h"
#include "layout.h"

#define API __attribute__((visibility("default")))

static void set_err(char *err, size_t len, const char *fmt, const char *what, int rc)
{
	if (err && len)
		snprintf(err, len, fmt, what, strerror(rc < 0 ? -rc : rc));
}

void gate_domain_die(struct cordon_mpk_domain *d, const char *why)
{
	if (!d)
		return;
	while (atomic_flag_test_and_set(&d->reason_lock))
		;
	if (!d->reason[0] && why)
		snprintf(d->reason, sizeof(d->reason), "%s", why);
	atomic_store(&d->dead, 1);
	atomic_flag_clear(&d->reason_lock);
}

static int valid(const struct cordon_mpk_domain *d)
{
	return d && d->magic == GATE_MAGIC;
}

int gate_exec_contains(const struct cordon_mpk_domain *d, uintptr_t p)
{
	unsigned i;

	for (i = 0; i < d->nranges; i++)
		if ((d->ranges[i].prot & PROT_EXEC) && p >= d->ranges[i].start &&
		    p - d->ranges[i].start < d->ranges[i].len)
			return 1;
	return 0;
}

static int init_domain(struct cordon_mpk_domain *d, char *err, size_t errlen)
{
	int64_t args[6] = { (int64_t)d->heap, (int64_t)d->heap_size,
			    (int64_t)(uintptr_t)CORDON_ERRNO_TCB, 0, 0, 0 };
	void *fn = cordon_image_symbol(d->img, "cordon_domain_init");
	int64_t res = -1;
	int rc;

	if (!fn || !gate_exec_contains(d, (uintptr_t)fn)) {
		if (err && errlen)
			snprintf(err, errlen, "image: no executable cordon_domain_init");
		return -ENOEXEC;
	}
	rc = gate_call(d, 0, fn, args, &res, 0);
	if (rc == CORDON_CALL_OK && res == 0)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "cordon_domain_init inside the domain: %s (result %lld)%s%s",
			 rc == CORDON_CALL_OK ? "failed" : "aborted", (long long)res,
			 d->reason[0] ? ": " : "", d->reason);
	return rc < 0 ? rc : -ENOEXEC;
}

static int id_ok(int64_t id)
{
	return id >= 0 && id <= CORDON_MPK_ID_MAX;
}

/* The uid and gid of cfg: 0, or -EINVAL with why in err. */
static int check_ids(const struct cordon_mpk_config *cfg, char *err, size_t errlen)
{
	const char *why = NULL;

	if (!(cfg->flags & CORDON_MPK_OWN_IDS)) {
		if (cfg->uid || cfg->gid)
			why = "uid/gid given without CORDON_MPK_OWN_IDS";
	} else if (!(cfg->flags & CORDON_MPK_KERNEL_CONTEXT)) {
		why = "only uswitch domains can have a uid of their own: an mpk domain's system "
		      "calls run with the calling thread's credentials, which are the process's";
	} else if (!id_ok(cfg->uid) || !id_ok(cfg->gid)) {
		why = "uid/gid out of range (0..4294967294)";
	}
	if (!why)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

API int cordon_mpk_create(const void *image, size_t image_len,
			  const struct cordon_mpk_config *cfg,
			  struct cordon_mpk_domain **out, char *err, size_t errlen)
{
	struct cordon_mpk_domain *d;
	int rc;

	if (err && errlen)
		err[0] = 0;
	if (!out || !image || !cfg) {
		set_err(err, errlen, "%s: %s", "bad arguments", EINVAL);
		return -EINVAL;
	}
	*out = NULL;
	rc = check_ids(cfg, err, errlen);
	if (rc)
		return rc;
	rc = gate_global_init();
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "mpk backend unavailable: %s", gate_g.why);
		return rc;
	}
	if (!(cfg->flags & CORDON_MPK_SOFTWARE_ONLY) && !gate_g.pku) {
		if (err && errlen)
			snprintf(err, errlen, "mpk backend: %s",
				 gate_g.why[0] ? gate_g.why : "no protection keys");
		return -ENOTSUP;
	}
	if ((cfg->flags & CORDON_MPK_KERNEL_CONTEXT) &&
	    (cfg->flags & CORDON_MPK_SOFTWARE_ONLY || !cordon_uswitch_supported(err, errlen))) {
		if (err && errlen && cfg->flags & CORDON_MPK_SOFTWARE_ONLY)
			snprintf(err, errlen, "uswitch: no software-only kernel contexts");
		return -ENOTSUP;
	}
	if (!gate_attach()) {
		set_err(err, errlen, "%s: %s", "attach", EAGAIN);
		return -EAGAIN;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		set_err(err, errlen, "%s: %s", "domain", ENOMEM);
		return -ENOMEM;
	}
	d->magic = GATE_MAGIC;
	d->flags = cfg->flags;
	d->hw = !(cfg->flags & CORDON_MPK_SOFTWARE_ONLY);
	rc = gate_layout(d, image, image_len, cfg, err, errlen);
	if (!rc)
		rc = gate_tag(d, cfg, err, errlen);
	if (!rc && (cfg->flags & CORDON_MPK_KERNEL_CONTEXT))
		rc = gate_kctx_create(d, cfg, err, errlen);
	if (!rc)
		rc = init_domain(d, err, errlen);
	if (rc) {
		gate_release(d);
		return rc;
	}
	d->complete = 1;
	*out = d;
	return 0;
}

API void *cordon_mpk_symbol(const struct cordon_mpk_domain *d, const char *name)
{
	void *p;

	if (!valid(d) || !name)
		return NULL;
	p = cordon_image_symbol(d->img, name);
	return p;
}

API int cordon_mpk_verified(const struct cordon_mpk_domain *d)
{
	return valid(d) && cordon_image_verified(d->img);
}

API void *cordon_mpk_arena(const struct cordon_mpk_domain *d, unsigned lane)
{
	if (!valid(d) || lane >= d->nlanes)
		return NULL;
	return (void *)d->lanes[lane].arena;
}

API void cordon_mpk_reason(const struct cordon_mpk_domain *d, char *buf, size_t len)
{
	struct cordon_mpk_domain *m = (struct cordon_mpk_domain *)d;

	if (!buf || !len)
		return;
	buf[0] = 0;
	if (!valid(d))
		return;
	while (atomic_flag_test_and_set(&m->reason_lock))
		;
	snprintf(buf, len, "%s", d->reason);
	atomic_flag_clear(&m->reason_lock);
}

/* 1 while a call holds one of d's lanes. */
static int gate_lanes_busy(struct cordon_mpk_domain *d)
{
	unsigned i;

	for (i = 0; i < d->nlanes; i++)
		if (atomic_load(&d->lanes[i].busy))
			return 1;
	return 0;
}

/* Interrupt every call of d in flight, on whatever thread. */
static void interrupt_calls(struct cordon_mpk_domain *d)
{
	unsigned i, n = gate_blocks_used();
	struct gate_record *r;

	for (i = 0; i < n; i++) {
		r = gate_record_of(i);
		if (r->in_use && atomic_load(&r->domain) == d)
			gate_send(r, atomic_load(&r->gen), 1);
	}
}

API void cordon_mpk_kill(struct cordon_mpk_domain *d, const char *reason)
{
	if (!valid(d))
		return;
	gate_domain_die(d, reason && reason[0] ? reason : "killed");
	interrupt_calls(d);
}

API void cordon_mpk_destroy(struct cordon_mpk_domain *d)
{
	struct timespec ms = { 0, 1000000 };
	unsigned waited = 0;

	if (!valid(d))
		return;
	cordon_mpk_kill(d, "destroyed");
	while (gate_lanes_busy(d)) {
		nanosleep(&ms, NULL);
		/* a signal lost to a thread in trusted code: again */
		if (++waited % 100 == 0)
			interrupt_calls(d);
	}
	gate_release(d);
}

API size_t cordon_mpk_memory(const struct cordon_mpk_domain *d)
{
	return valid(d) ? d->size : 0;
}
