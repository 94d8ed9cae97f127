/*
 * The results of a VM test program (one static binary per file in
 * tests/vm/): check() prints one line per result, vm_summary() the last
 * line, "<suite>: N passed, M failed", which ./cordon test counts.
 */
#ifndef CORDON_TESTS_VM_CHECK_H
#define CORDON_TESTS_VM_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

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

/* Prints the summary line; the program's exit status. */
static int vm_summary(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

#endif
