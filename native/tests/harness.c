#include <stdarg.h>
#include <stdio.h>

#include "harness.h"

static int passed, failed, skipped;
static const char *current = "?";

void suite(const char *name)
{
	current = name;
	printf("== %s\n", name);
	fflush(stdout);
}

int check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", ok ? "ok  " : "FAIL", current);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

void skip(const char *test, const char *reason_fmt, ...)
{
	va_list ap;

	printf("SKIP %s: %s: ", current, test);
	va_start(ap, reason_fmt);
	vprintf(reason_fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	skipped++;
}

int summary(void)
{
	printf("c-tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	fflush(stdout);
	return failed;
}
