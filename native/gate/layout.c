/*
 * A domain's region (domain.c has the picture): sizes, the one
 * reservation, the image loaded into its start, the lanes' thread blocks,
 * tagging with the domain's key and re-tagging when the key changes hands
 * (the keys.h callback), and the release. A region kept from a destroyed
 * domain of the same image (warm.c) replaces the reservation and the load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "cordon/image_abi.h"
#include "cordon/mpk.h"
#include "cordon/verify.h"
#include "layout.h"
#include "warm.h"

#define PG GATE_PAGE
#define DEFAULT_HEAP  (1u << 20)
#define DEFAULT_STACK (256u << 10)
#define DEFAULT_ARENA (64u << 10)
#define DEFAULT_POOL  (1u << 20)
#define MAX_PART      ((size_t)1 << 32)

static size_t pages(size_t n, size_t dflt)
{
	if (!n)
		n = dflt;
	return (n + PG - 1) & ~(size_t)(PG - 1);
}

static int fail(char *err, size_t len, int rc, const char *what)
{
	if (err && len && !err[0])
		snprintf(err, len, "%s", what);
	return rc;
}

static void add_range(struct cordon_mpk_domain *d, uintptr_t start, size_t len, int prot)
{
	if (len && d->nranges < GATE_MAX_RANGES)
		d->ranges[d->nranges++] = (struct cordon_image_range){ start, len, prot };
}

/* d->ranges: the image's, from its first page to its last */
static int image_ranges(struct cordon_mpk_domain *d, char *err, size_t errlen)
{
	struct cordon_image_range r[CORDON_IMAGE_MAX_RANGES];
	int n, i;

	n = cordon_image_ranges(d->img, r, CORDON_IMAGE_MAX_RANGES);
	if (n < 0)
		return fail(err, errlen, n, "image: too many ranges");
	for (i = 0; i < n; i++)
		add_range(d, r[i].start, r[i].len, r[i].prot);
	return 0;
}

/*
 * A confined image (native/CONFINEMENT.md) gets its __cordon_table before
 * any of its code runs: exit slot 0 is gate_return, where every call of
 * an export returns, and the bitmap is the verifier's. From then on its
 * pages are read-only in the image's ranges, which every retag applies.
 */
static int confine(struct cordon_mpk_domain *d, char *err, size_t errlen)
{
	struct cordon_verify_ctx v = { 0 };
	char why[160] = "";
	int rc;

	v.table = (uintptr_t)cordon_image_symbol(d->img, CORDON_TABLE_SYMBOL);
	if (!v.table)
		return 0; /* unconfined: nothing checks a table */
	v.bad_target = (uintptr_t)cordon_image_symbol(d->img, CORDON_BAD_TARGET_SYMBOL);
	rc = cordon_image_fill_table(d->img, gate_return, cordon_verify_targets, &v, why,
				     sizeof(why));
	if (rc && err && errlen)
		snprintf(err, errlen, "image: %s%s%s", why, v.verdict.reason[0] ? ": " : "",
			 v.verdict.reason);
	d->confined = !rc;
	if (!rc)
		d->bad_target = (uintptr_t)v.bad_target;
	return rc;
}

/* A cold start: the region reserved, the image loaded and checked. */
static int load_image(struct cordon_mpk_domain *d, const void *image, size_t len,
		      size_t room, char *err, size_t errlen)
{
	int rc;

	d->base = mmap(NULL, d->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (d->base == MAP_FAILED) {
		d->base = NULL;
		return fail(err, errlen, -ENOMEM, "cannot reserve the domain's region");
	}
	/* the loader also refuses WRGSBASE here (cordon_inspect_code_mpk) */
	rc = cordon_image_load_at(image, len, d->base, room, &d->img, err, errlen);
	if (!rc)
		rc = confine(d, err, errlen);
	if (!rc)
		rc = image_ranges(d, err, errlen);
	return rc;
}

/* musl's view of the thread block: self, canary, C locale. */
static void init_tb(uintptr_t tb)
{
	uint64_t canary = 0;

	*(uintptr_t *)(tb + TB_SELF) = tb;
	if (getrandom(&canary, sizeof(canary), GRND_NONBLOCK) != sizeof(canary))
		canary = (uint64_t)tb * 0x9e3779b97f4a7c15ull;
	canary &= ~(uint64_t)0xff; /* as musl: a NUL stops string overreads */
	*(uint64_t *)(tb + TB_CANARY) = canary;
	*(uintptr_t *)(tb + TB_LOCALE) = tb + TB_C_LOCALE;
}

/* The heap, pool and lanes of a fresh region: read-write, guards none. */
static int map_parts(struct cordon_mpk_domain *d, size_t lane)
{
	size_t rw = PROT_READ | PROT_WRITE;
	unsigned i;

	if (mprotect((void *)d->heap, d->heap_size, (int)rw) ||
	    mprotect((void *)d->lanes[0].stack_lo, lane * d->nlanes, (int)rw))
		return -ENOMEM;
	for (i = 0; i < d->nlanes; i++) /* the guard above each lane */
		mprotect((void *)(d->lanes[i].arena + d->arena_size), PG, PROT_NONE);
	return 0;
}

int gate_layout(struct cordon_mpk_domain *d, const void *image, size_t len,
		const struct cordon_mpk_config *cfg, char *err, size_t errlen)
{
	size_t room, stack, arena, lane, off;
	struct gate_warm_shape shape;
	unsigned i;
	int rc;

	if (!cfg->lanes || cfg->lanes > GATE_MAX_LANES || cfg->heap_size > MAX_PART ||
	    cfg->stack_size > MAX_PART || cfg->arena_size > MAX_PART)
		return fail(err, errlen, -EINVAL, "bad configuration: lanes 1..64, sizes below 4 GiB");
	rc = cordon_image_room(image, len, &room, err, errlen);
	if (rc)
		return rc;
	room = pages(room, PG);
	d->nlanes = cfg->lanes;
	d->heap_size = pages(cfg->heap_size, DEFAULT_HEAP);
	d->pool_size = DEFAULT_POOL;
	stack = pages(cfg->stack_size, DEFAULT_STACK);
	arena = pages(cfg->arena_size, DEFAULT_ARENA);
	d->arena_size = arena;
	lane = stack + PG + arena + PG;
	d->size = room + PG + d->heap_size + PG + d->pool_size + PG + lane * d->nlanes;
	shape = (struct gate_warm_shape){ room, d->heap_size, d->pool_size, stack, arena,
					  d->size, d->nlanes, d->hw };
	d->reused = gate_warm_take(d, image, len, &shape);
	rc = d->reused ? image_ranges(d, err, errlen) : load_image(d, image, len, room, err, errlen);
	if (rc)
		return rc;
	off = room + PG;
	d->heap = (uintptr_t)d->base + off;
	add_range(d, d->heap, d->heap_size, PROT_READ | PROT_WRITE);
	off += d->heap_size + PG;
	d->pool = (uintptr_t)d->base + off;
	off += d->pool_size + PG;
	for (i = 0; i < d->nlanes; i++, off += lane) {
		struct gate_lane *l = &d->lanes[i];

		l->stack_lo = (uintptr_t)d->base + off;
		l->stack_top = l->stack_lo + stack;
		l->tb = l->stack_top;
		l->arena = l->tb + PG;
	}
	if (!d->reused) {
		if (map_parts(d, lane))
			return fail(err, errlen, -ENOMEM, "cannot map the domain's heap and lanes");
		/* before the domain first runs: what a kept region goes back to;
		 * not a confined image's, whose table is written once, read-only */
		if (!d->confined)
			gate_warm_record(d, image, len, &shape);
	}
	return 0;
}

/* key -1: the pages keep theirs (a software-only domain's kept region) */
static int protect(uintptr_t start, size_t len, int prot, int key)
{
	if (!len)
		return 0;
	if (key < 0)
		return mprotect((void *)start, len, prot) ? -errno : 0;
	return cordon_pkey_mprotect((void *)start, len, prot, key);
}

/* The pool: pages in use read-write, free ones none (vsys keeps no
 * finer record; a domain's own mprotect of pool pages is undone here). */
static int retag_pool(struct cordon_mpk_domain *d, int key)
{
	size_t n = d->pool_size / PG, i, j;
	int used, rc;

	for (i = 0; i < n; i = j) {
		used = (d->pool_used[i / 64] >> (i % 64)) & 1;
		for (j = i + 1; j < n && (int)((d->pool_used[j / 64] >> (j % 64)) & 1) == used; j++)
			;
		rc = protect(d->pool + i * PG, (j - i) * PG,
			     used ? PROT_READ | PROT_WRITE : PROT_NONE, key);
		if (rc)
			return rc;
	}
	return 0;
}

/* keys.h's retag callback: never while a call of d is in flight. */
static int retag(void *owner, int key)
{
	struct cordon_mpk_domain *d = owner;
	size_t lane_rw = d->lanes[0].arena + d->arena_size - d->lanes[0].stack_lo;
	unsigned i;
	int rc;

	for (i = 0; i < d->nranges; i++)
		if (d->ranges[i].prot != PROT_NONE) {
			rc = protect(d->ranges[i].start, d->ranges[i].len, d->ranges[i].prot, key);
			if (rc)
				return rc;
		}
	for (i = 0; i < d->nlanes; i++) {
		rc = protect(d->lanes[i].stack_lo, lane_rw, PROT_READ | PROT_WRITE, key);
		if (rc)
			return rc;
	}
	rc = retag_pool(d, key);
	if (!rc)
		d->vsys.key = key;
	return rc;
}

int gate_tag(struct cordon_mpk_domain *d, const struct cordon_mpk_config *cfg,
	     char *err, size_t errlen)
{
	size_t pool_pages = d->pool_size / PG;
	int rc, key = -1;
	unsigned i;

	d->pool_used = calloc((pool_pages + 63) / 64, sizeof(uint64_t));
	if (!d->pool_used)
		return fail(err, errlen, -ENOMEM, "out of memory");
	if (d->hw) {
		/* the pool carries the domain's key from here (retag_pool:
		 * all free, PROT_NONE); untouched, as vsys_init wants it */
		rc = keys_register(gate_g.keys, &d->ku, d, retag);
		if (rc) {
			snprintf(err, errlen, "protection keys: cannot tag the region: %s",
				 strerror(-rc));
			return rc;
		}
		key = atomic_load(&d->ku.key);
	} else if (d->reused && retag(d, -1)) {
		/* keys_register's retag gives a kept region back its rights;
		 * without keys, this does */
		return fail(err, errlen, -ENOMEM, "cannot map the kept region");
	}
	for (i = 0; i < d->nlanes; i++) /* a kept region is writable only from here */
		init_tb(d->lanes[i].tb);
	rc = vsys_init(&d->vsys, (uintptr_t)d->base, d->size, d->pool, pool_pages,
		       d->pool_used, key, cfg->syscalls, cfg->data_dir_fd);
	if (rc) {
		snprintf(err, errlen, "system calls: %s", strerror(-rc));
		return rc;
	}
	d->vsys_ready = 1;
	return 0;
}

static void unmap_region(struct cordon_mpk_domain *d)
{
	if (d->img)
		cordon_image_unload(d->img);
	if (d->base)
		munmap(d->base, d->size);
	d->img = NULL;
	d->base = NULL;
}

void gate_release(struct cordon_mpk_domain *d)
{
	int kept;

	gate_kctx_release(d);
	if (d->vsys_ready)
		vsys_release(&d->vsys);
	/* the region scrubbed and PROT_NONE, or unmapped: no one reaches
	 * its pages, so its key goes back without a retag */
	kept = d->pool_used && gate_warm_scrub(d);
	if (!kept)
		unmap_region(d);
	if (d->hw && d->ku.registered && keys_unregister_unreachable(gate_g.keys, &d->ku) &&
	    kept) {
		kept = 0; /* a failed retag left it two keys */
		unmap_region(d);
	}
	if (kept && !gate_warm_keep(d))
		unmap_region(d);
	free(d->pool_used);
	gate_warm_free(d->warm);
	d->magic = 0;
	free(d);
}
