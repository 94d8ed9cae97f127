/*
 * The C allocation functions of the image, on top of the domain heap.
 * Linking these ahead of musl's libc.a keeps musl's own allocator (and its
 * brk calls) out of the image: musl's internal callers use the __libc_*
 * names, so those are defined here too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

/* Alignments above this are refused: nothing real needs them. */
#define MAX_ALIGN ((size_t)1 << 40)

static void *fail(int e)
{
	errno = e;
	return NULL;
}

static int power_of_two(size_t a)
{
	return a && !(a & (a - 1));
}

/* Every allocation goes through here: sizes checked, errno on failure. */
static void *allocate(size_t n, size_t align)
{
	void *p;

	if (align < HEAP_ALIGN)
		align = HEAP_ALIGN;
	if (n > HEAP_MAX_REQUEST || align > MAX_ALIGN)
		return fail(ENOMEM);
	p = heap_alloc(n, align);
	return p ? p : fail(ENOMEM);
}

/* The C allocation API is exported from the image: the JVM side may
 * allocate domain memory through it. */
#pragma GCC visibility push(default)

void *malloc(size_t n)
{
	return allocate(n, HEAP_ALIGN);
}

void free(void *p)
{
	if (p)
		heap_free(p);
}

void *calloc(size_t count, size_t size)
{
	size_t n;
	void *p;

	if (__builtin_mul_overflow(count, size, &n))
		return fail(ENOMEM);
	p = allocate(n, HEAP_ALIGN);
	if (p)
		memset(p, 0, n);
	return p;
}

/* realloc(p, 0) keeps a minimal block, as musl's own realloc does. */
void *realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (!p)
		return malloc(n);
	if (n > HEAP_MAX_REQUEST)
		return fail(ENOMEM);
	if (heap_resize(p, n) == 0)
		return p;
	q = allocate(n, HEAP_ALIGN);
	if (!q)
		return NULL;
	old = heap_usable(p);
	memcpy(q, p, old < n ? old : n);
	heap_free(p);
	return q;
}

void *aligned_alloc(size_t align, size_t n)
{
	if (!power_of_two(align))
		return fail(EINVAL);
	return allocate(n, align);
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

/* Reports through its result, leaving errno alone. */
int posix_memalign(void **out, size_t align, size_t n)
{
	int saved = errno;
	void *p;

	if (!power_of_two(align) || align % sizeof(void *))
		return EINVAL;
	p = allocate(n, align);
	errno = saved;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t malloc_usable_size(void *p)
{
	return p ? heap_usable(p) : 0;
}

#pragma GCC visibility pop

/* musl-internal names (hidden: the image does not export them) */
void *__libc_malloc(size_t n)
{
	return malloc(n);
}

void *__libc_malloc_impl(size_t n)
{
	return malloc(n);
}

void *__libc_calloc(size_t count, size_t size)
{
	return calloc(count, size);
}

void *__libc_realloc(void *p, size_t n)
{
	return realloc(p, n);
}

void __libc_free(void *p)
{
	free(p);
}
