/*
 * make confine-bench: the same sources built unconfined and confined
 * (CONFINEMENT.md), timed side by side in one run: zlib's deflate and
 * inflate (bundles/zlib) and a call-heavy workload (calls.c).
 *
 *   confine-bench DIR    DIR/{unconfined,confined}/{zlib,calls}.so
 *
 * Each figure is the best of ROUNDS rounds (the least disturbed by the
 * other work on the machine), the two builds taking turns; the ratio is
 * confined / unconfined time. The
 * confined images get objdump's boundaries (tests/targets.c) as their
 * permitted targets, as in the tests: what a target is does not change the
 * cost of a check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "cordon/image.h"
#include "targets.h"

#define ROUNDS    11
#define DATA_SIZE (1u << 20)  /* zlib's input: 1 MiB of text-like bytes */
#define HEAP_SIZE (64u << 20)
#define CALLS     (20 * 1000 * 1000)

int64_t host_call_export(const void *fn, const int64_t args[6]);
extern const char host_export_return[];

struct image {
	struct cordon_image *img;
	char path[512];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t call(struct image *im, const char *fn, int64_t a, int64_t b, int64_t c,
		    int64_t d, int64_t e)
{
	int64_t args[6] = { a, b, c, d, e };
	void *f = cordon_image_symbol(im->img, fn);

	if (!f) {
		fprintf(stderr, "confine-bench: %s: no %s\n", im->path, fn);
		exit(1);
	}
	return host_call_export(f, args);
}

static void load(struct image *im, const char *dir, const char *kind, const char *name)
{
	char err[256] = "";
	unsigned char *b;
	size_t len;
	FILE *f;
	void *heap;

	snprintf(im->path, sizeof(im->path), "%s/%s/%s", dir, kind, name);
	f = fopen(im->path, "rb");
	b = f ? malloc(64u << 20) : NULL;
	len = b ? fread(b, 1, 64u << 20, f) : 0;
	if (f)
		fclose(f);
	if (!len || cordon_image_load(b, len, &im->img, err, sizeof(err)) ||
	    (!strcmp(kind, "confined") &&
	     cordon_image_fill_table(im->img, host_export_return, objdump_targets, im->path,
				     err, sizeof(err)))) {
		fprintf(stderr, "confine-bench: %s: %s\n", im->path, err);
		exit(1);
	}
	free(b);
	heap = mmap(NULL, HEAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (heap == MAP_FAILED || call(im, "cordon_domain_init", (int64_t)(uintptr_t)heap,
				       HEAP_SIZE, 0, 0, 0)) {
		fprintf(stderr, "confine-bench: %s: cordon_domain_init failed\n", im->path);
		exit(1);
	}
}

/* words from a small vocabulary: compresses about 3:1, like text */
static void fill_text(unsigned char *p, size_t n)
{
	static const char *const words[] = { "domain ", "gate ", "image ", "thunk ",
		"return ", "table ", "check ", "bundle ", "the ", "of ", "a ", "loader\n" };
	uint32_t x = 12345;
	size_t i = 0;

	while (i < n) {
		const char *w;

		x = x * 1103515245u + 12345u;
		for (w = words[(x >> 16) % 12]; *w && i < n; w++)
			p[i++] = (unsigned char)*w;
	}
}

typedef int64_t (*work_fn)(struct image *im, void *ctx);

struct zbufs {
	unsigned char *in, *z, *out;
	int64_t zlen;
};

static int64_t do_deflate(struct image *im, void *ctx)
{
	struct zbufs *zb = ctx;

	return zb->zlen = call(im, "zc_deflate", (int64_t)(uintptr_t)zb->in, DATA_SIZE,
			       (int64_t)(uintptr_t)zb->z, 2 * DATA_SIZE, 6);
}

static int64_t do_inflate(struct image *im, void *ctx)
{
	struct zbufs *zb = ctx;

	return call(im, "zc_inflate", (int64_t)(uintptr_t)zb->z, zb->zlen,
		    (int64_t)(uintptr_t)zb->out, DATA_SIZE, 0);
}

static int64_t do_indirect(struct image *im, void *ctx)
{
	(void)ctx;
	return call(im, "indirect_calls", CALLS, 0, 0, 0, 0);
}

static int64_t do_direct(struct image *im, void *ctx)
{
	(void)ctx;
	return call(im, "direct_calls", CALLS, 0, 0, 0, 0);
}

static double timed(struct image *im, work_fn w, void *ctx, int64_t *result)
{
	double t = now();

	*result = w(im, ctx);
	return now() - t;
}

/* Best of ROUNDS each, the two images taking turns, so that what else the
 * machine does falls on both alike. The results must agree. */
static int row(const char *what, struct image *plain, struct image *conf, work_fn w,
	       void *ctx, double units, const char *unit)
{
	double t1 = 1e9, t2 = 1e9, t;
	int64_t r1, r2;
	int r, differ = 0;

	for (r = 0; r < ROUNDS; r++) {
		t = timed(plain, w, ctx, &r1);
		t1 = t < t1 ? t : t1;
		t = timed(conf, w, ctx, &r2);
		t2 = t < t2 ? t : t2;
		differ |= r1 != r2;
	}
	printf("%-28s %10.2f %s %10.2f %s   %5.3fx%s\n", what, units / t1, unit,
	       units / t2, unit, t2 / t1, differ ? "   RESULTS DIFFER" : "");
	return differ;
}

int main(int argc, char **argv)
{
	struct image zu, zc, cu, cc;
	struct zbufs zb;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: confine-bench DIR\n");
		return 2;
	}
	load(&zu, argv[1], "unconfined", "zlib.so");
	load(&zc, argv[1], "confined", "zlib.so");
	load(&cu, argv[1], "unconfined", "calls.so");
	load(&cc, argv[1], "confined", "calls.so");
	zb.in = malloc(DATA_SIZE);
	zb.z = malloc(2 * DATA_SIZE);
	zb.out = malloc(DATA_SIZE);
	fill_text(zb.in, DATA_SIZE);
	if (do_deflate(&zu, &zb) <= 0 || do_inflate(&zu, &zb) != DATA_SIZE ||
	    memcmp(zb.in, zb.out, DATA_SIZE)) {
		fprintf(stderr, "confine-bench: zlib round trip failed\n");
		return 1;
	}
	printf("%-28s %15s %15s   %s\n", "best of 11", "unconfined", "confined", "confined/unconfined (time)");
	bad |= row("zlib deflate, level 6", &zu, &zc, do_deflate, &zb, DATA_SIZE / 1e6, "MB/s");
	bad |= row("zlib inflate", &zu, &zc, do_inflate, &zb, DATA_SIZE / 1e6, "MB/s");
	bad |= row("indirect calls via a table", &cu, &cc, do_indirect, NULL, CALLS / 1e6, "M/s ");
	bad |= row("direct calls", &cu, &cc, do_direct, NULL, CALLS / 1e6, "M/s ");
	return bad;
}
