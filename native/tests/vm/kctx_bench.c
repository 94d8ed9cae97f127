/*
 * What gate calls, system calls and domain create+destroy cost, for mpk and
 * uswitch domains.
 *
 * In the PKU test VM (make vm-bench, ./cordon bench --vm) it counts
 * instructions: timings under emulation mean nothing, so QEMU runs with
 * -icount shift=0: the guest's clock, TSC included, advances 1 ns per
 * instruction executed, and an rdtsc delta counts the instructions of the
 * one vCPU, kernel included. A calibration loop of known length says how
 * close that is. With --time (make hw-bench, ./cordon bench --pku) it
 * measures ns on a real machine with PKU; the uswitch figures need the
 * patched kernel and are left out without it. Each figure is the median
 * of 15 runs of 1000 operations.
 *
 *   syscall: clock_getres(CLOCK_MONOTONIC, NULL), a raw syscall instruction,
 *   from the host (a thread with a switch page, and one without), from a
 *   uswitch domain (straight to the kernel, in its context) and from an mpk
 *   domain (trapped to vsys), all four side by side;
 *   gate call: empty, into an mpk domain, a software-only one (the
 *   software path: no WRPKRU) and a uswitch one, against a plain call of a
 *   host function through a pointer; and what the implicit
 *   switch adds: a uswitch call making one syscall, then one syscall of the
 *   host (two switches), against an empty call and two host syscalls;
 *   domain create+destroy, mpk and uswitch (medians of 15 runs of 10), with
 *   the region of the domain before kept for it (gate/warm.c) and without.
 *
 * gate/, loader/ and mpk/ are compiled in, as for gate-vm-test. argv[1]:
 * target/; argv[2]: --time or nothing. Output: one "kctx-bench: NAME = N
 * instructions" (or "ns") line per figure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "gate/gate.h"

#define OPS  1000
#define CREATE_OPS 10	/* a create runs millions of instructions */
#define RUNS 15

static unsigned char *image;
static size_t image_len;
static int timing; /* --time: ns on a real machine, not instructions */

static uint64_t ticks(void)
{
	struct timespec ts;
	uint32_t lo, hi;

	if (timing) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	}
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static long raw_getres(void)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(SYS_clock_getres), "D"(CLOCK_MONOTONIC), "S"(0)
			 : "rcx", "r11", "memory");
	return r;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* per-operation median over RUNS runs of fn(arg), which does ops operations */
static double median_of(void (*fn)(void *), void *arg, int ops)
{
	uint64_t t[RUNS], t0;
	int i;

	fn(arg); /* warm */
	for (i = 0; i < RUNS; i++) {
		t0 = ticks();
		fn(arg);
		t[i] = ticks() - t0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp);
	return (double)t[RUNS / 2] / ops;
}

static double median(void (*fn)(void *), void *arg)
{
	return median_of(fn, arg, OPS);
}

static void report(const char *name, double v)
{
	printf("kctx-bench: %-44s = %8.*f %s\n", name, timing ? 1 : 0, v,
	       timing ? "ns" : "instructions");
}

static void nops(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < OPS; i++)
		__asm__ volatile(".rept 100\n nop\n .endr" ::: "memory");
}

static void host_syscalls(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < OPS; i++)
		raw_getres();
}

static struct cordon_mpk_domain *make(unsigned flags)
{
	struct cordon_mpk_config cfg = {
		.heap_size = 256 << 10, .arena_size = 16 << 10, .stack_size = 64 << 10,
		.lanes = 1, .data_dir_fd = -1, .syscalls = CORDON_SYS_TIME, .flags = flags,
	};
	struct cordon_mpk_domain *d = NULL;
	char err[256];

	if (cordon_mpk_create(image, image_len, &cfg, &d, err, sizeof(err))) {
		printf("kctx-bench: create (flags %u): %s\n", flags, err);
		return NULL;
	}
	return d;
}

/* A domain and its syscall_loop, looked up once: a lookup by name is no
 * part of a gate call */
struct bench_domain {
	struct cordon_mpk_domain *d;
	void *loop;
};

/* syscall_loop: n clock_getres in the domain */
static void loop(struct bench_domain *b, int64_t n)
{
	int64_t args[6] = { SYS_clock_getres, n, CLOCK_MONOTONIC, 0, 0, 0 }, r = -1;

	if (cordon_mpk_call(b->d, 0, b->loop, args, &r, 0) != CORDON_CALL_OK)
		abort();
}

/* OPS syscalls in one call: the per-call part is 1/OPS of it */
static void domain_syscalls(void *b)
{
	loop(b, OPS);
}

static void empty_calls(void *b)
{
	int i;

	for (i = 0; i < OPS; i++)
		loop(b, 0);
}

/* the baseline: a call the compiler cannot see through or inline */
static __attribute__((noinline)) int64_t host_noop(int64_t n)
{
	__asm__ volatile("" ::: "memory");
	return n;
}

static int64_t (*volatile host_fn)(int64_t) = host_noop;

static void plain_calls(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < OPS; i++)
		host_fn(0);
}

static void switching_calls(void *b)
{
	int i;

	for (i = 0; i < OPS; i++) {
		loop(b, 1);
		raw_getres();
	}
}

/* CREATE_OPS domains created and destroyed, with the flags *arg */
static void create_destroy(void *flags)
{
	int i;

	for (i = 0; i < CREATE_OPS; i++)
		cordon_mpk_destroy(make(*(unsigned *)flags));
}

static void *unregistered(void *out)
{
	*(double *)out = median(host_syscalls, NULL);
	return NULL;
}

static unsigned char *read_image(const char *dir, const char *name, size_t *len)
{
	char path[512];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/test/images/%s", dir, name);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf = NULL;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The kinds of domain measured; d stays NULL where a kind cannot run */
static struct kind {
	const char *name;
	unsigned flags;
	struct bench_domain b;
} kinds[] = {
	{ .name = "mpk", .flags = 0 },
	{ .name = "software path", .flags = CORDON_MPK_SOFTWARE_ONLY },
	{ .name = "uswitch", .flags = CORDON_MPK_KERNEL_CONTEXT },
};
enum { MPK, SOFTWARE, USWITCH, NKINDS };

static void open_kind(struct kind *k)
{
	k->b.d = make(k->flags);
	if (k->b.d)
		k->b.loop = cordon_mpk_symbol(k->b.d, "syscall_loop");
}

static void report_create_destroy(const char *temp)
{
	char name[96];
	int i;

	for (i = 0; i < NKINDS; i++) {
		if (!kinds[i].b.d)
			continue;
		snprintf(name, sizeof(name), "domain create+destroy, %s, %s", kinds[i].name, temp);
		report(name, median_of(create_destroy, &kinds[i].flags, CREATE_OPS));
	}
}

int main(int argc, char **argv)
{
	struct bench_domain *mpk = &kinds[MPK].b, *sw = &kinds[SOFTWARE].b, *us = &kinds[USWITCH].b;
	double plain, host, dom_us, empty_us, switching;
	int i;
	char why[256];
	pthread_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	timing = argc > 2 && !strcmp(argv[2], "--time");
	image = read_image(argc > 1 ? argv[1] : "target", "gate_basic.so", &image_len);
	if (!image) {
		printf("kctx-bench: cannot run: no gate_basic.so\n");
		return 1;
	}
	/* the VM has every kind; a real machine may not have the patched kernel */
	if (!cordon_uswitch_supported(why, sizeof(why)) && !timing) {
		printf("kctx-bench: cannot run: %s\n", why);
		return 1;
	}
	if (!timing)
		report("calibration: 100 nops (want about 100)", median(nops, NULL));
	/* a thread that never attached has no switch page */
	pthread_create(&t, NULL, unregistered, &plain);
	pthread_join(t, NULL);
	open_kind(&kinds[MPK]);
	open_kind(&kinds[SOFTWARE]);
	if (cordon_uswitch_supported(why, sizeof(why)))
		open_kind(&kinds[USWITCH]);
	else
		printf("kctx-bench: uswitch figures left out: %s\n", why);
	if (!mpk->d && !sw->d)
		return 1;
	host = median(host_syscalls, NULL);
	report("syscall, host thread without switch page", plain);
	report("syscall, host thread with switch page", host);
	if (us->d) {
		dom_us = median(domain_syscalls, us);
		report("syscall, uswitch domain (its context)", dom_us);
		/* the target compares the same thread inside and outside the
		 * domain; a thread that never called a domain pays for neither
		 * switch page */
		printf("kctx-bench: uswitch domain syscall / host syscall = %.2fx (target <= 1.2x)\n",
		       dom_us / host);
		printf("kctx-bench: uswitch domain syscall / syscall of a thread without switch page = %.2fx\n",
		       dom_us / plain);
	}
	if (mpk->d)
		report("syscall, mpk domain (trapped to vsys)", median(domain_syscalls, mpk));
	report("plain call of a host function (a pointer)", median(plain_calls, NULL));
	if (mpk->d)
		report("gate call, empty, mpk", median(empty_calls, mpk));
	if (sw->d)
		report("gate call, empty, software path (no WRPKRU)", median(empty_calls, sw));
	if (us->d) {
		empty_us = median(empty_calls, us);
		report("gate call, empty, uswitch", empty_us);
		switching = median(switching_calls, us);
		report("uswitch call with 1 syscall, then 1 host syscall", switching);
		report("  of which two switches and the filter", switching - empty_us - 2 * host);
	}
	report_create_destroy("region kept (warm)");
	cordon_mpk_warm_regions(0);
	report_create_destroy("no region kept (cold)");
	cordon_mpk_warm_regions(4);
	for (i = 0; i < NKINDS; i++)
		cordon_mpk_destroy(kinds[i].b.d); /* NULL: nothing */
	return 0;
}
