/* Exercises the domain runtime's allocator from inside an image. */
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/domain.h"

#define SLOTS 256

struct hold {
	unsigned char *p;
	size_t n;
	unsigned char fill;
};

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int intact(const struct hold *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->p[i] != h->fill)
			return 0;
	return 1;
}

/* Random malloc/calloc/realloc/free/aligned_alloc; every block is filled
 * with its own byte and checked before it goes: overlap shows up as a
 * wrong byte. Returns 0, or a code naming the first problem. */
CORDON_EXPORT int64_t stress(int64_t seed, int64_t rounds)
{
	struct hold h[SLOTS];
	uint64_t s = (uint64_t)seed | 1;
	int64_t r;
	int i;

	memset(h, 0, sizeof(h));
	for (r = 0; r < rounds; r++) {
		struct hold *x = &h[next_random(&s) % SLOTS];
		size_t n = next_random(&s) % (next_random(&s) % 8 == 0 ? 20000 : 300);
		unsigned op = (unsigned)(next_random(&s) % 5);
		unsigned char *p;

		if (x->p) {
			if (!intact(x))
				return 1;
			if (op == 0) {
				/* realloc keeps the old bytes */
				p = realloc(x->p, n);
				if (!p)
					continue;
				x->p = p;
				x->n = n < x->n ? n : x->n;
				if (!intact(x))
					return 2;
				memset(p, x->fill, n);
				x->n = n;
				continue;
			}
			free(x->p);
			x->p = NULL;
			continue;
		}
		if (op == 1) {
			p = calloc(1, n);
			if (p)
				for (i = 0; i < (int)n; i++)
					if (p[i])
						return 3;
		} else if (op == 2) {
			p = aligned_alloc((size_t)64 << (next_random(&s) % 4), n);
			if (p && ((uintptr_t)p & 63))
				return 4;
		} else {
			p = malloc(n);
		}
		if (!p)
			continue;
		if ((uintptr_t)p & 15)
			return 5;
		if (malloc_usable_size(p) < n)
			return 6;
		x->p = p;
		x->n = n;
		x->fill = (unsigned char)(next_random(&s) | 1);
		memset(p, x->fill, n);
	}
	for (i = 0; i < SLOTS; i++) {
		if (h[i].p && !intact(&h[i]))
			return 7;
		free(h[i].p);
	}
	return 0;
}

/* Allocate until the heap is gone: count, then errno must be ENOMEM;
 * after freeing everything one big block must fit again (coalescing). */
CORDON_EXPORT int64_t exhaust(int64_t size)
{
	static void *keep[1 << 16];
	int64_t n = 0, i;
	void *big;

	while (n < (int64_t)(sizeof(keep) / sizeof(keep[0]))) {
		keep[n] = malloc((size_t)size);
		if (!keep[n])
			break;
		n++;
	}
	if (errno != ENOMEM)
		return -1;
	for (i = 0; i < n; i++)
		free(keep[i]);
	big = malloc((size_t)size * (size_t)n / 2);
	if (!big)
		return -2;
	free(big);
	return n;
}

/* Requests whose size overflows must fail with ENOMEM, not wrap. */
CORDON_EXPORT int64_t overflow(void)
{
	/* volatile: the compiler must not see (and warn about) the sizes */
	volatile size_t huge = SIZE_MAX, half = SIZE_MAX / 2;
	void *p;

	errno = 0;
	if (calloc(half, 4) || errno != ENOMEM)
		return 1;
	errno = 0;
	if (malloc(huge - 8) || errno != ENOMEM)
		return 2;
	p = malloc(16);
	errno = 0;
	if (realloc(p, huge) || errno != ENOMEM)
		return 3;
	free(p);
	if (aligned_alloc(3, 16) || errno != EINVAL)
		return 4;
	return 0;
}

/* errno set inside the image, read by the host through its own location */
CORDON_EXPORT int64_t set_errno(int64_t e)
{
	errno = (int)e;
	return 0;
}

CORDON_EXPORT int64_t init_again(void)
{
	static char other[4096];

	return cordon_domain_init(other, sizeof(other), 0);
}

/* Never called: pulls in musl code that allocates through musl's internal
 * __libc_malloc, so that the link shows musl's allocator stays out. */
CORDON_EXPORT int64_t uses_internal_malloc(void)
{
	return (int64_t)(uintptr_t)strdup("x") + (int64_t)(uintptr_t)newlocale(LC_ALL_MASK, "C", 0);
}
