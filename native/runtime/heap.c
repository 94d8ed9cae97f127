/*
 * Boundary-tag allocator over one region.
 *
 *   [head | block | block | ... | block | tail]
 *
 * Every block starts with a 16-byte header: the size of the block before it
 * and its own size (a multiple of 16, bit 0 set while in use). Free blocks
 * also hold the links of one doubly linked free list. Freeing merges with
 * free neighbours at once, so no two free blocks are ever adjacent. The
 * head and tail are zero-payload blocks marked in use: merging stops there
 * without special cases. One spinlock guards everything.
 */
#include <stdint.h>
#include <sched.h>

#include "heap.h"

struct block {
	size_t prev_size;   /* size of the block just below */
	size_t size;        /* this block, header included; bit 0: in use */
	struct block *next; /* free list: only while free */
	struct block *prev;
};

#define HDR       (2 * sizeof(size_t))   /* what precedes the payload */
#define MIN_BLOCK sizeof(struct block)   /* room for the free-list links */
#define IN_USE    ((size_t)1)

static struct block *free_list;
static unsigned char *heap_lo, *heap_hi; /* first block .. tail block */
static int lock_word;

/* Spin with pause; yield now and then so that a preempted holder runs. */
static void lock(void)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&lock_word, __ATOMIC_RELAXED)) {
			if (++spins % 128 == 0)
				sched_yield();
			else
				__builtin_ia32_pause();
		}
	}
}

static void unlock(void)
{
	__atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

static size_t size_of(const struct block *b)
{
	return b->size & ~IN_USE;
}

static int in_use(const struct block *b)
{
	return (int)(b->size & IN_USE);
}

static struct block *next_block(const struct block *b)
{
	return (struct block *)((unsigned char *)b + size_of(b));
}

static struct block *prev_block(const struct block *b)
{
	return (struct block *)((unsigned char *)b - b->prev_size);
}

static struct block *block_of(const void *p)
{
	return (struct block *)((unsigned char *)p - HDR);
}

/* Set b's size and flag, and keep the next block's back link right. */
static void set_block(struct block *b, size_t size, size_t used)
{
	b->size = size | used;
	next_block(b)->prev_size = size;
}

static void list_push(struct block *b)
{
	b->prev = NULL;
	b->next = free_list;
	if (free_list)
		free_list->prev = b;
	free_list = b;
}

static void list_remove(struct block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		free_list = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* Free b (not on the list), merged with free neighbours, onto the list. */
static void release(struct block *b)
{
	struct block *n = next_block(b);

	set_block(b, size_of(b), 0);
	if (!in_use(n)) {
		list_remove(n);
		set_block(b, size_of(b) + size_of(n), 0);
	}
	if (!in_use(prev_block(b))) {
		struct block *p = prev_block(b);

		list_remove(p);
		set_block(p, size_of(p) + size_of(b), 0);
		b = p;
	}
	list_push(b);
}

/* Cut an in-use block down to `size`; the rest, if big enough, is freed. */
static void trim(struct block *b, size_t size)
{
	size_t have = size_of(b);
	struct block *rest;

	if (have - size < MIN_BLOCK)
		return;
	set_block(b, size, IN_USE);
	rest = next_block(b);
	rest->size = (have - size) | IN_USE;
	release(rest);
}

/* Bytes of block (header included) that hold n bytes of payload. */
static size_t block_size(size_t n)
{
	size_t s = (n + HDR + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);

	return s < MIN_BLOCK ? MIN_BLOCK : s;
}

int heap_init(void *base, size_t size)
{
	uintptr_t lo = ((uintptr_t)base + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
	uintptr_t hi = ((uintptr_t)base + size) & ~(uintptr_t)(HEAP_ALIGN - 1);
	struct block *head, *first, *tail;

	if (!base || (uintptr_t)base + size < (uintptr_t)base || hi < lo ||
	    hi - lo < 2 * HDR + MIN_BLOCK)
		return -1;
	lock();
	/* head: a bare header that is always "in use" */
	head = (struct block *)lo;
	head->prev_size = 0;
	head->size = HDR | IN_USE;
	first = (struct block *)(lo + HDR);
	tail = (struct block *)(hi - HDR);
	first->prev_size = HDR;
	first->size = (size_t)((uintptr_t)tail - (uintptr_t)first);
	tail->prev_size = first->size;
	tail->size = HDR | IN_USE; /* never followed: nothing reads past it */
	free_list = NULL;
	list_push(first);
	heap_lo = (unsigned char *)first;
	heap_hi = (unsigned char *)tail;
	unlock();
	return 0;
}

/* Payload address p inside free block b, aligned, with room for need bytes
 * of block; the gap before it is 0 or a whole free block. */
static uintptr_t fit(const struct block *b, size_t need, size_t align)
{
	uintptr_t start = (uintptr_t)b + HDR;
	uintptr_t end = (uintptr_t)b + size_of(b);
	uintptr_t p = (start + align - 1) & ~(uintptr_t)(align - 1);

	while (p != start && p - start < MIN_BLOCK)
		p += align;
	if (p < start || p - HDR > end || end - (p - HDR) < need)
		return 0;
	return p;
}

void *heap_alloc(size_t n, size_t align)
{
	size_t need = block_size(n);
	struct block *b, *front;
	uintptr_t p = 0;

	lock();
	for (b = free_list; b; b = b->next) {
		p = fit(b, need, align);
		if (p)
			break;
	}
	if (!b) {
		unlock();
		return NULL;
	}
	list_remove(b);
	b->size |= IN_USE;
	if (p != (uintptr_t)b + HDR) {
		/* give the gap below the aligned payload back as a free block */
		front = b;
		b = block_of((void *)p);
		b->size = (size_of(front) - (size_t)((uintptr_t)b - (uintptr_t)front)) | IN_USE;
		next_block(b)->prev_size = size_of(b);
		set_block(front, (size_t)((uintptr_t)b - (uintptr_t)front), IN_USE);
		release(front);
	}
	trim(b, need);
	unlock();
	return (void *)p;
}

/* A pointer we handed out, still in use? Anything else is a bug in the
 * image, and continuing would corrupt the heap: trap. */
static struct block *checked(const void *p)
{
	struct block *b = block_of(p);

	if ((unsigned char *)b < heap_lo || (unsigned char *)b >= heap_hi ||
	    ((uintptr_t)p & (HEAP_ALIGN - 1)) || !in_use(b))
		__builtin_trap();
	return b;
}

void heap_free(void *p)
{
	lock();
	release(checked(p));
	unlock();
}

int heap_resize(void *p, size_t n)
{
	size_t need = block_size(n);
	struct block *b, *nb;
	int rc = -1;

	lock();
	b = checked(p);
	if (size_of(b) >= need) {
		trim(b, need);
		rc = 0;
	} else {
		nb = next_block(b);
		if (!in_use(nb) && size_of(b) + size_of(nb) >= need) {
			list_remove(nb);
			set_block(b, size_of(b) + size_of(nb), IN_USE);
			trim(b, need);
			rc = 0;
		}
	}
	unlock();
	return rc;
}

size_t heap_usable(const void *p)
{
	size_t n;

	lock();
	n = size_of(checked(p)) - HDR;
	unlock();
	return n;
}
