/*
 * Warm regions: a destroyed domain's region kept for the next domain of
 * the same image and layout (a restart, a second instance of a bundle),
 * which then skips reserving the region, populating, loading, relocating,
 * inspecting and protecting the image, and the munmap that undoes it all.
 *
 * What makes a kept region as good as a fresh one: no domain can write or
 * re-protect the image's code and read-only pages (its mprotect, munmap
 * and mmap reach only pool pages: vsys_mem.c), so they are as the load
 * left them, inspected. Everything a domain can write is reset when it is
 * kept: the image's writable pages get back the bytes they had before the
 * domain first ran, and .bss, heap, pool, stacks, thread blocks and
 * arenas are discarded (MADV_DONTNEED: they read zeroes again). Then all
 * of it is made PROT_NONE, so its key goes back without a retag
 * (keys_unregister_unreachable), and it gets its rights back only from the
 * next domain's tagging (layout.c: keys_register's retag, or without keys
 * the same retag with the pages' key kept). Only a domain that was fully
 * created is kept. An image is recognised by all of its bytes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cordon/mpk.h"
#include "warm.h"

#define API __attribute__((visibility("default")))
#define PG GATE_PAGE
#define DEFAULT_KEPT 4
#define MAX_KEPT 64
#define MAX_SNAPS 8

/* A writable range of the image, its bytes up to its last non-zero page
 * as the load left them; the pages after that were zero. */
struct snap {
	uintptr_t start;
	size_t kept;
	unsigned char *bytes;
};

/* An image's bytes as given, to recognise it: one copy per distinct image,
 * shared by its domains and kept regions */
struct image_bytes {
	unsigned refs;
	size_t len;
	struct image_bytes *next;
	unsigned char bytes[];
};

struct gate_warm {
	struct gate_warm_shape shape;
	struct image_bytes *image;
	struct snap snap[MAX_SNAPS];
	unsigned nsnap;
	/* while kept: the region and the loaded image */
	unsigned char *base;
	struct cordon_image *img;
	struct gate_warm *next;
};

_Static_assert(sizeof(struct gate_warm_shape) == 6 * sizeof(size_t) + 2 * sizeof(int),
	       "shapes are compared with memcmp: no padding");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct gate_warm *kept; /* newest first */
static unsigned nkept, max_kept = DEFAULT_KEPT;
static struct image_bytes *images;

/* The shared copy of these bytes, made if there is none; NULL without
 * memory. Under lock. */
static struct image_bytes *image_get(const void *image, size_t len)
{
	struct image_bytes *b;

	for (b = images; b; b = b->next)
		if (b->len == len && !memcmp(b->bytes, image, len)) {
			b->refs++;
			return b;
		}
	b = malloc(sizeof(*b) + len);
	if (!b)
		return NULL;
	b->refs = 1;
	b->len = len;
	memcpy(b->bytes, image, len);
	b->next = images;
	images = b;
	return b;
}

static void image_put(struct image_bytes *b)
{
	struct image_bytes **p;

	if (!b)
		return;
	pthread_mutex_lock(&lock);
	if (!--b->refs) {
		for (p = &images; *p != b; p = &(*p)->next)
			;
		*p = b->next;
		free(b);
	}
	pthread_mutex_unlock(&lock);
}

void gate_warm_free(struct gate_warm *w)
{
	unsigned i;

	if (!w)
		return;
	for (i = 0; i < w->nsnap; i++)
		free(w->snap[i].bytes);
	image_put(w->image);
	free(w);
}

/* The oldest kept region, out of the list; under lock, nkept > 0 */
static struct gate_warm *take_oldest(void)
{
	struct gate_warm **p, *w;

	for (p = &kept; (*p)->next; p = &(*p)->next)
		;
	w = *p;
	*p = NULL;
	nkept--;
	return w;
}

/* A kept region's end: its image unloaded, its region unmapped. */
static void drop(struct gate_warm *w)
{
	cordon_image_unload(w->img);
	munmap(w->base, w->shape.size);
	gate_warm_free(w);
}

static int page_zero(const unsigned char *p)
{
	static const unsigned char zero[PG];

	return !memcmp(p, zero, PG);
}

static int add_snap(struct gate_warm *w, uintptr_t start, size_t len)
{
	struct snap *s;
	size_t n = len;

	while (n && page_zero((const unsigned char *)start + n - PG))
		n -= PG;
	if (w->nsnap == MAX_SNAPS)
		return -1;
	s = &w->snap[w->nsnap++];
	*s = (struct snap){ start, n, NULL };
	if (n && !(s->bytes = malloc(n)))
		return -1;
	memcpy(s->bytes, (const void *)start, n);
	return 0;
}

void gate_warm_record(struct cordon_mpk_domain *d, const void *image, size_t len,
		      const struct gate_warm_shape *shape)
{
	uintptr_t image_end = (uintptr_t)d->base + shape->room;
	struct gate_warm *w;
	unsigned i;

	if (!(w = calloc(1, sizeof(*w))))
		return;
	w->shape = *shape;
	pthread_mutex_lock(&lock);
	if (max_kept)
		w->image = image_get(image, len);
	pthread_mutex_unlock(&lock);
	if (!w->image)
		goto fail;
	for (i = 0; i < d->nranges; i++)
		if (d->ranges[i].start < image_end && (d->ranges[i].prot & PROT_WRITE) &&
		    add_snap(w, d->ranges[i].start, d->ranges[i].len))
			goto fail;
	d->warm = w;
	return;
fail:
	gate_warm_free(w);
}

static int fits(const struct gate_warm *w, const void *image, size_t len,
		const struct gate_warm_shape *shape)
{
	return !memcmp(&w->shape, shape, sizeof(*shape)) && w->image->len == len &&
	       !memcmp(w->image->bytes, image, len);
}

int gate_warm_take(struct cordon_mpk_domain *d, const void *image, size_t len,
		   const struct gate_warm_shape *shape)
{
	struct gate_warm **p, *w = NULL;

	pthread_mutex_lock(&lock);
	for (p = &kept; *p; p = &(*p)->next)
		if (fits(*p, image, len, shape)) {
			w = *p;
			*p = w->next;
			nkept--;
			break;
		}
	pthread_mutex_unlock(&lock);
	if (!w)
		return 0;
	w->next = NULL;
	d->base = w->base;
	d->size = w->shape.size;
	d->img = w->img;
	d->warm = w;
	return 1;
}

/* Everything the domain could write back to as the load left it. */
static int scrub(struct cordon_mpk_domain *d, const struct gate_warm *w)
{
	uintptr_t image_end = (uintptr_t)d->base + w->shape.room, from = image_end;
	size_t i;

	/* one discard from the image's trailing writable (or unmapped)
	 * ranges to the region's end; the rest of its writable ranges alone */
	for (i = d->nranges; i-- > 0;) {
		const struct cordon_image_range *r = &d->ranges[i];

		if (r->start >= image_end)
			continue;
		if (r->prot != PROT_NONE && !(r->prot & PROT_WRITE))
			break;
		from = r->start;
	}
	for (i = 0; i < d->nranges && d->ranges[i].start < from; i++)
		if ((d->ranges[i].prot & PROT_WRITE) &&
		    madvise((void *)d->ranges[i].start, d->ranges[i].len, MADV_DONTNEED))
			return -1;
	if (madvise((void *)from, (uintptr_t)d->base + d->size - from, MADV_DONTNEED))
		return -1;
	for (i = 0; i < w->nsnap; i++)
		memcpy((void *)w->snap[i].start, w->snap[i].bytes, w->snap[i].kept);
	return 0;
}

int gate_warm_scrub(struct cordon_mpk_domain *d)
{
	/* the writes need the trusted PKRU, under which every key is open:
	 * a thread that never made a call has the kernel's default, which
	 * closes them */
	return d->warm && d->complete && gate_attach() && !scrub(d, d->warm) &&
	       !mprotect(d->base, d->size, PROT_NONE);
}

int gate_warm_keep(struct cordon_mpk_domain *d)
{
	struct gate_warm *w = d->warm, *old = NULL;

	w->base = d->base;
	w->img = d->img;
	pthread_mutex_lock(&lock);
	if (!max_kept) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	w->next = kept;
	kept = w;
	if (++nkept > max_kept)
		old = take_oldest();
	pthread_mutex_unlock(&lock);
	d->warm = NULL;
	if (old)
		drop(old);
	return 1;
}

API void cordon_mpk_warm_regions(unsigned max)
{
	struct gate_warm *w, *gone = NULL;

	if (max > MAX_KEPT)
		max = MAX_KEPT;
	pthread_mutex_lock(&lock);
	max_kept = max;
	while (nkept > max_kept) {
		w = take_oldest();
		w->next = gone;
		gone = w;
	}
	pthread_mutex_unlock(&lock);
	while ((w = gone)) {
		gone = w->next;
		drop(w);
	}
}
