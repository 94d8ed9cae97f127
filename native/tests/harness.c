#include <stdarg.h>
#include <stdio.h>

#include "harness.h"

static int passed, failed;
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

int summary(void)
{
	printf("c-tests: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	return failed;
}
