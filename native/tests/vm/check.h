/*
 * The results of a VM test program (one static binary per file in
 * tests/vm/): check() prints one line per result, skip() one line "SKIP
 * <test>: <reason>" per test that cannot run here, vm_summary() the last
 * line, "<suite>: N passed, M failed, S skipped", which ./cordon test counts.
 */
#ifndef CORDON_TESTS_VM_CHECK_H
#define CORDON_TESTS_VM_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/rseq.h>
#include <unistd.h>

static int passed, failed, skipped;

__attribute__((format(printf, 2, 3)))
static int check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	ok ? passed++ : failed++;
	return ok;
}

/* A test that cannot run here: counted as skipped, neither passed nor failed. */
__attribute__((format(printf, 2, 3), unused))
static void skip(const char *test, const char *reason_fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", test);
	va_start(ap, reason_fmt);
	vprintf(reason_fmt, ap);
	va_end(ap);
	printf("\n");
	skipped++;
}

/* Prints the summary line; the program's exit status. */
static int vm_summary(const char *suite)
{
	printf("%s: %d passed, %d failed, %d skipped\n", suite, passed, failed, skipped);
	return failed ? 1 : 0;
}

/*
 * glibc registers rseq in its TLS (key 0), which a domain's PKRU closes:
 * the kernel's rseq write then fails and a fault that should be caught
 * kills the process (mpk_test.c, rseq_kills). Programs that fault under a
 * domain PKRU run without it: the tunable is read at startup, so exec
 * again with it set. Returns only in the re-executed program, after
 * checking that rseq is off.
 */
__attribute__((unused)) static void vm_without_rseq(char **argv)
{
	if (!getenv("CORDON_VM_TEST_NO_RSEQ")) {
		setenv("CORDON_VM_TEST_NO_RSEQ", "1", 1);
		setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0", 1);
		execv("/proc/self/exe", argv);
		printf("FAIL exec /proc/self/exe: %s\n", strerror(errno));
		exit(1);
	}
	check(__rseq_size == 0, "glibc's rseq is off (__rseq_size %u)", __rseq_size);
}

#endif
