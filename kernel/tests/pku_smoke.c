/*
 * pku_smoke: is Intel MPK (PKU) real here? Meant for the test VM
 * (kernel/tests/run-smoke); on a host without PKU every check but the first
 * fails. Prints "pku-smoke: N passed, M failed, 0 skipped"; exit status 0
 * iff M == 0.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

static int passed, failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
	ok ? passed++ : failed++;
}

static sigjmp_buf jump;
static volatile sig_atomic_t fault_code, fault_pkey;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_code = si->si_code;
	fault_pkey = si->si_pkey;
	siglongjmp(jump, 1);
}

/* Touches *p; returns the si_code of the SIGSEGV it raised, or 0. */
static int touch(volatile char *p, int write)
{
	fault_code = 0;
	fault_pkey = -1;
	if (sigsetjmp(jump, 1) == 0) {
		if (write)
			*p = 42;
		else
			(void)*p;
	}
	return fault_code;
}

/* True when the "flags" line of /proc/cpuinfo has the word `flag`. */
static int cpu_has(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		for (char *w = strtok(strchr(line, ':'), ": \n"); w; w = strtok(NULL, " \n"))
			found |= strcmp(w, flag) == 0;
	}
	fclose(f);
	return found;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	long page = sysconf(_SC_PAGESIZE);
	char msg[128];

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGSEGV, &sa, NULL);

	check(cpu_has("pku"), "/proc/cpuinfo lists pku");
	check(cpu_has("ospke"), "/proc/cpuinfo lists ospke (the kernel enabled it)");

	int pkey = pkey_alloc(0, 0);

	snprintf(msg, sizeof(msg), "pkey_alloc -> %d", pkey);
	check(pkey > 0, msg);
	if (pkey <= 0)
		goto out;

	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	check(p != MAP_FAILED, "mmap a page");
	if (p == MAP_FAILED)
		goto out;
	check(pkey_mprotect(p, page, PROT_READ | PROT_WRITE, pkey) == 0, "pkey_mprotect the page");
	check(touch(p, 1) == 0 && p[0] == 42, "access allowed while the key is open");

	pkey_set(pkey, PKEY_DISABLE_ACCESS);
	int code = touch(p, 0);

	snprintf(msg, sizeof(msg), "read with access disabled -> SIGSEGV si_code %d (want %d), si_pkey %d",
		 (int)code, SEGV_PKUERR, (int)fault_pkey);
	check(code == SEGV_PKUERR && fault_pkey == pkey, msg);

	/* The handler ran with the kernel's default PKRU; set ours again. */
	pkey_set(pkey, PKEY_DISABLE_WRITE);
	check(touch(p, 0) == 0, "read with write disabled works");
	code = touch(p, 1);
	snprintf(msg, sizeof(msg), "write with write disabled -> SIGSEGV si_code %d", (int)code);
	check(code == SEGV_PKUERR, msg);

	pkey_set(pkey, 0);
	check(touch(p, 1) == 0, "access allowed again after re-enabling the key");
	check(pkey_get(pkey) == 0, "pkey_get reads back the rights");
	munmap(p, page);
	check(pkey_free(pkey) == 0, "pkey_free");
out:
	/* every check runs (the VM has PKU): none is ever skipped */
	printf("pku-smoke: %d passed, %d failed, 0 skipped\n", passed, failed);
	return failed ? 1 : 0;
}
