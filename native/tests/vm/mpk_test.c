/*
 * The MPK core under real protection keys: run in the PKU test VM
 * (make vm-test). Prints "mpk-tests: N passed, M failed, S skipped" last;
 * exit status 1 if anything failed. Observations (key counts, PKRU of threads) are
 * printed as "note:" lines.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cordon/mpk.h"
#include "mpk/pkru.h"
#include "tests/vm/check.h"

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif
#define INIT_PKRU 0x55555554u /* the kernel's default: only key 0 open */


/* --- touching memory under a given PKRU, catching the fault --- */

static __thread sigjmp_buf jump;
static __thread volatile int fault_code, fault_pkey;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	/* runs with the kernel's init PKRU: key 0 (our stack) is open */
	fault_code = si->si_code;
	fault_pkey = si->si_pkey;
	siglongjmp(jump, 1);
}

/* Between the two WRPKRUs nothing may touch the stack (key 0, closed to a
 * domain): noinline keeps it a short leaf; check with objdump -d. */
__attribute__((noinline)) static void access_as(uint32_t pkru, volatile unsigned char *p,
						 int write)
{
	uint32_t back = cordon_pkru_trusted(); /* a call pushes: do it first */

	cordon_wrpkru(pkru);
	if (write)
		*p = 0x5a;
	else
		(void)*p;
	cordon_wrpkru(back);
}

/* SIGSEGV si_code of touching *p under pkru (0: no fault); the thread's
 * PKRU is trusted afterwards either way. */
static int touch(uint32_t pkru, volatile unsigned char *p, int write)
{
	fault_code = 0;
	fault_pkey = -1;
	if (sigsetjmp(jump, 1) == 0)
		access_as(pkru, p, write);
	else
		cordon_wrpkru(cordon_pkru_trusted());
	return fault_code;
}

/* --- threads --- */

struct thread_probe {
	pthread_barrier_t go;           /* region ready */
	volatile unsigned char *target;
	uint32_t pkru_at_start, pkru_after_key;
	int code, pkey, code_attached;
};

/* Started before any key exists; tries the region once main made it. */
static void *early_thread(void *arg)
{
	struct thread_probe *t = arg;

	t->pkru_at_start = cordon_rdpkru();
	pthread_barrier_wait(&t->go);
	t->pkru_after_key = cordon_rdpkru();
	/* access with the PKRU this thread has, without any attach step */
	fault_code = 0;
	fault_pkey = -1;
	if (sigsetjmp(jump, 1) == 0)
		(void)*t->target;
	t->code = fault_code;
	t->pkey = fault_pkey;
	/* attach: what the gate will do for a thread entering the host side */
	t->code_attached = touch(cordon_pkru_trusted(), t->target, 0);
	return NULL;
}

static void *read_pkru_thread(void *arg)
{
	*(uint32_t *)arg = cordon_rdpkru();
	return NULL;
}

static void threads(void)
{
	struct thread_probe t = { 0 };
	struct cordon_region r;
	pthread_t th;
	uint32_t parent, child = 0;
	int rc;

	/* the early thread inherits this: every key but 0 closed */
	cordon_wrpkru(INIT_PKRU);
	pthread_barrier_init(&t.go, NULL, 2);
	if (!check(pthread_create(&th, NULL, early_thread, &t) == 0, "start early thread"))
		return;
	rc = cordon_region_create(4096, &r);
	if (!check(rc == 0, "region for the thread tests (%d)", rc)) {
		t.target = (volatile unsigned char *)&t; /* anything valid */
		pthread_barrier_wait(&t.go);
		pthread_join(th, NULL);
		return;
	}
	t.target = r.base;
	pthread_barrier_wait(&t.go);
	pthread_join(th, NULL);
	printf("note: thread started before the key: PKRU 0x%08x at start, 0x%08x after"
	       " main allocated key %d\n", t.pkru_at_start, t.pkru_after_key, r.key);
	check(t.code == SEGV_PKUERR && t.pkey == r.key,
	      "a thread older than the key cannot read the region (si_code %d, si_pkey %d)",
	      t.code, t.pkey);
	check(t.code_attached == 0, "after writing the trusted PKRU it can");

	/* new thread, parent's PKRU deliberately unusual: key's writes off */
	cordon_wrpkru(cordon_pkru_trusted() | 2u << (2 * r.key));
	parent = cordon_rdpkru();
	rc = pthread_create(&th, NULL, read_pkru_thread, &child);
	if (check(rc == 0, "start new thread")) {
		pthread_join(th, NULL);
		printf("note: new thread: PKRU 0x%08x, parent's 0x%08x, init 0x%08x\n",
		       child, parent, INIT_PKRU);
		check(child == parent, "a new thread inherits its creator's PKRU "
		      "(0x%08x; init would be 0x%08x)", child, INIT_PKRU);
	}
	cordon_wrpkru(cordon_pkru_trusted());
	cordon_region_destroy(&r);
}

/* --- keys --- */

static int alloc_all(int *keys, int max, int *err)
{
	int n = 0, k;

	while (n < max && (k = cordon_pkey_alloc()) >= 0)
		keys[n++] = k;
	*err = n < max ? -k : 0;
	return n;
}

static void free_all(const int *keys, int n)
{
	while (n--)
		cordon_pkey_free(keys[n]);
}

static void key_count(void)
{
	int keys[CORDON_PKEY_COUNT], n, n2, err, i, again;
	long pg = sysconf(_SC_PAGESIZE);
	char list[128] = "";
	void *xo;

	n = alloc_all(keys, CORDON_PKEY_COUNT, &err);
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), " %d", keys[i]);
	printf("note: %d keys allocatable:%s; then %s\n", n, list, strerror(err));
	check(n >= 14, "at least 14 keys can be allocated (%d)", n);
	check(err == ENOSPC, "allocation past the last key fails with ENOSPC (%s)",
	      strerror(err));
	if (n > 0) {
		/* free one from the middle and take it again */
		i = n / 2;
		check(cordon_pkey_free(keys[i]) == 0, "pkey_free(%d)", keys[i]);
		again = cordon_pkey_alloc();
		check(again == keys[i], "re-alloc gives key %d back (%d)", keys[i], again);
		if (again >= 0)
			keys[i] = again;
	}
	check(cordon_pkey_free(0) == -EINVAL, "key 0 cannot be freed (the wrapper refuses)");
	free_all(keys, n);
	check(cordon_pkey_free(keys[0]) == -EINVAL, "double free refused");

	/* execute-only memory: the kernel takes a key of its own for it */
	xo = mmap(NULL, (size_t)pg, PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (check(xo != MAP_FAILED, "execute-only mapping")) {
		n2 = alloc_all(keys, CORDON_PKEY_COUNT, &err);
		printf("note: with execute-only memory mapped, %d keys allocatable\n", n2);
		check(n2 == n - 1, "execute-only memory costs one key (%d -> %d)", n, n2);
		free_all(keys, n2);
		munmap(xo, (size_t)pg);
	}
}

/* --- regions --- */

static unsigned char host_byte = 7; /* key 0: host memory */

static void regions(void)
{
	struct cordon_region a, b;
	int rc, code;

	rc = cordon_region_create(3 * 4096 + 1, &a);
	if (!check(rc == 0 && a.base && a.key > 0, "region A: key %d, %zu bytes (%d)",
		   a.key, a.size, rc))
		return;
	check(a.size == 4 * 4096, "size rounded up to pages");
	rc = cordon_region_create(4096, &b);
	if (!check(rc == 0 && b.key > 0 && b.key != a.key, "region B: key %d (%d)", b.key, rc)) {
		cordon_region_destroy(&a);
		return;
	}
	cordon_wrpkru(cordon_pkru_trusted());
	check(touch(cordon_pkru_trusted(), a.base, 1) == 0 && a.base[0] == 0x5a &&
	      touch(cordon_pkru_trusted(), b.base + 100, 1) == 0,
	      "trusted PKRU reads and writes both regions");
	memset(a.base, 1, a.size);
	check(a.base[a.size - 1] == 1, "whole region writable");

	code = touch(cordon_pkru_for_domain(b.key), a.base, 0);
	check(code == SEGV_PKUERR && fault_pkey == a.key,
	      "another key's domain PKRU: reading A raises SEGV_PKUERR, si_pkey %d (code %d)",
	      fault_pkey, code);
	check(cordon_rdpkru() == cordon_pkru_trusted(), "trusted PKRU restored after the fault");
	check(touch(cordon_pkru_for_domain(a.key), a.base + 4096, 1) == 0 &&
	      touch(cordon_pkru_for_domain(a.key), a.base + 8191, 0) == 0,
	      "domain A's PKRU reads and writes A");
	code = touch(cordon_pkru_for_domain(a.key), b.base, 0);
	check(code == SEGV_PKUERR && fault_pkey == b.key,
	      "domain A's PKRU cannot read B (code %d, si_pkey %d)", code, fault_pkey);
	code = touch(cordon_pkru_for_domain(a.key), b.base, 1);
	check(code == SEGV_PKUERR && fault_pkey == b.key && b.base[0] == 0,
	      "domain A's PKRU cannot write B (code %d, si_pkey %d)", code, fault_pkey);
	code = touch(cordon_pkru_for_domain(a.key), &host_byte, 0);
	check(code == SEGV_PKUERR && fault_pkey == 0,
	      "domain A's PKRU cannot read host memory, key 0 (code %d, si_pkey %d)",
	      code, fault_pkey);

	check(cordon_region_destroy(&a) == 0 && !a.base && a.key == -1, "destroy A");
	check(cordon_region_destroy(&a) == 0, "destroy A again: nothing");
	check(cordon_region_destroy(&b) == 0, "destroy B");
}

/* A child that registers rseq in key-0 memory and then faults under a
 * domain PKRU: the kernel updates the rseq area on signal delivery (and on
 * preemption) under the thread's PKRU, fails, and kills it with SIGSEGV. */
static void rseq_kills(void)
{
	static struct rseq area __attribute__((aligned(32)));
	struct cordon_region r;
	int st = 0;
	pid_t pid;

	if (!check(cordon_region_create(4096, &r) == 0, "region for the rseq test"))
		return;
	pid = fork();
	if (pid == 0) {
		if (syscall(SYS_rseq, &area, sizeof(area), 0, 0x53053053))
			_exit(2);
		/* the fault on the closed key would be caught by on_segv */
		touch(cordon_pkru_for_domain(r.key), (volatile unsigned char *)&area, 0);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "with rseq in key-0 memory a caught fault under a domain PKRU kills"
	      " the process instead (status 0x%x)", st);
	cordon_region_destroy(&r);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	uint32_t first;
	int avail;

	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	vm_without_rseq(argv);
	sigaction(SIGSEGV, &sa, NULL);
	avail = cordon_mpk_available();
	if (!check(avail == 1, "cordon_mpk_available()"))
		goto out;
	/* the trial pkey_alloc of cordon_mpk_available opened its key (1 on a
	 * fresh process) in this thread, and pkey_free left it open */
	first = cordon_rdpkru();
	printf("note: main thread PKRU after cordon_mpk_available: 0x%08x\n", first);
	check((first & ~0xfu) == (INIT_PKRU & ~0xfu) && (first & 3) == 0,
	      "init PKRU 0x%08x but for the trial key (0x%08x)", INIT_PKRU, first);
	threads();
	key_count();
	regions();
	rseq_kills();
out:
	return vm_summary("mpk-tests");
}
