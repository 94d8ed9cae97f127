/* musl's rewritten assembly and its calls back into the image, run
 * confined: longjmp's indirect jump, memcpy and memset, and qsort calling
 * the image's comparator through a pointer. */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/domain.h"

static jmp_buf back;

__attribute__((noinline)) static void leave(int v)
{
	longjmp(back, v);
}

/* setjmp returns twice: v the second time, through longjmp */
CORDON_EXPORT int64_t jump_back(int64_t v)
{
	volatile int64_t first = 1;
	int r = setjmp(back);

	if (r == 0) {
		first = 0;
		leave((int)v);
	}
	return first ? -1 : r;
}

/* memset, then memcpy of the result over its other half */
CORDON_EXPORT int64_t copy_and_sum(int64_t n)
{
	unsigned char a[256], b[256];
	int64_t sum = 0, i;

	if (n < 0 || n > 256)
		return -1;
	memset(a, 3, (size_t)n);
	memcpy(b, a, (size_t)n);
	for (i = 0; i < n; i++)
		sum += b[i];
	return sum;
}

static int by_value(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* 1 if qsort sorted: libc's indirect calls of the comparator */
CORDON_EXPORT int64_t sorted(void)
{
	int v[] = { 9, 3, 7, 1, 8, 2, 6, 4, 5, 0 };
	size_t i;

	qsort(v, 10, sizeof(v[0]), by_value);
	for (i = 0; i < 10; i++)
		if (v[i] != (int)i)
			return 0;
	return 1;
}
