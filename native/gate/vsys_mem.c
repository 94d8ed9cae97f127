/*
 * The domain's anonymous memory: mmap serves pages from the pool (a
 * page-aligned part of the region) first fit over its bitmap, and only
 * changes the protection of pool pages, keeping the domain's key, never
 * adding PROT_EXEC. Nothing else of the address space can be mapped,
 * unmapped, protected or advised by a domain.
 *
 * A free pool page is PROT_NONE and discarded (MADV_DONTNEED), so a page
 * mmap hands out reads zeroes. The bitmap is updated under v->lock; the
 * real mprotect/madvise run outside it. Lanes of one domain racing each
 * other over the same pages can only spoil their own memory.
 */
#include <errno.h>
#include <sys/mman.h>

#include "vsys_int.h"

#define MAP_OK (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_FIXED_NOREPLACE | \
		MAP_NORESERVE | MAP_POPULATE | MAP_STACK)
#define PROT_OK (PROT_READ | PROT_WRITE)

static int used(const struct vsys *v, size_t i)
{
	return (v->pool_used[i / 64] >> (i % 64)) & 1;
}

static void mark(struct vsys *v, size_t first, size_t n, int on)
{
	size_t i;

	for (i = first; i < first + n; i++) {
		if (on)
			v->pool_used[i / 64] |= 1ULL << (i % 64);
		else
			v->pool_used[i / 64] &= ~(1ULL << (i % 64));
	}
}

/* how many of pages [first, first + n) are in use */
static size_t count_used(const struct vsys *v, size_t first, size_t n)
{
	size_t i, k = 0;

	for (i = first; i < first + n; i++)
		k += (size_t)used(v, i);
	return k;
}

/* first fit: the first page of n free ones, or pool_pages */
static size_t find_free(const struct vsys *v, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < v->pool_pages; i++) {
		if (!(i % 64) && v->pool_used[i / 64] == ~0ULL &&
		    i + 64 <= v->pool_pages) {
			run = 0;
			i += 63;
			continue;
		}
		run = used(v, i) ? 0 : run + 1;
		if (run == n)
			return i + 1 - n;
	}
	return v->pool_pages;
}

/* [addr, addr + len) page-aligned inside the pool: its first page, or -1 */
static long pool_page(const struct vsys *v, uintptr_t addr, size_t len)
{
	size_t bytes = v->pool_pages * VSYS_PAGE;

	if (addr < v->pool_base || addr - v->pool_base > bytes ||
	    len > bytes - (addr - v->pool_base))
		return -1;
	return (long)((addr - v->pool_base) / VSYS_PAGE);
}

static size_t pages(size_t len)
{
	return len / VSYS_PAGE + !!(len % VSYS_PAGE);
}

static uintptr_t page_addr(const struct vsys *v, size_t i)
{
	return v->pool_base + i * VSYS_PAGE;
}

/* mprotect keeping the domain's key */
static long protect(const struct vsys *v, uintptr_t addr, size_t len, long prot)
{
	if (v->key >= 0)
		return vsys_sys6(SYS_pkey_mprotect, (long)addr, (long)len, prot,
				 v->key, 0, 0);
	return vsys_sys(SYS_mprotect, addr, len, prot);
}

static void discard(const struct vsys *v, size_t first, size_t n)
{
	vsys_sys(SYS_madvise, page_addr(v, first), n * VSYS_PAGE, MADV_DONTNEED);
}

/* give pages back: zeroed, inaccessible, then free */
static void release(struct vsys *v, size_t first, size_t n)
{
	discard(v, first, n);
	protect(v, page_addr(v, first), n * VSYS_PAGE, PROT_NONE);
	vsys_lock(v);
	mark(v, first, n, 0);
	vsys_unlock(v);
}

int vsys_pool_reset(struct vsys *v)
{
	size_t i;

	for (i = 0; i < (v->pool_pages + 63) / 64; i++)
		v->pool_used[i] = 0;
	if (!v->pool_pages)
		return 0;
	discard(v, 0, v->pool_pages);
	return (int)protect(v, v->pool_base, v->pool_pages * VSYS_PAGE, PROT_NONE);
}

/* MAP_FIXED(_NOREPLACE) at addr: its first page, or -errno */
static long take_fixed(struct vsys *v, uintptr_t addr, size_t n, int noreplace)
{
	long first;
	size_t busy;

	if (addr % VSYS_PAGE)
		return -EINVAL;
	first = pool_page(v, addr, n * VSYS_PAGE);
	if (first < 0)
		return -EPERM;
	vsys_lock(v);
	busy = count_used(v, (size_t)first, n);
	if (!(noreplace && busy))
		mark(v, (size_t)first, n, 1);
	vsys_unlock(v);
	if (noreplace && busy)
		return -EEXIST;
	if (busy) /* what it replaces reads zeroes now */
		discard(v, (size_t)first, n);
	return first;
}

static long take_any(struct vsys *v, size_t n)
{
	size_t first;

	vsys_lock(v);
	first = find_free(v, n);
	if (first < v->pool_pages)
		mark(v, first, n, 1);
	vsys_unlock(v);
	return first < v->pool_pages ? (long)first : -ENOMEM;
}

long vsys_mmap(struct vsys_call *c)
{
	struct vsys *v = c->v;
	size_t len = (size_t)c->a[1], n;
	int prot = (int)c->a[2], flags = (int)c->a[3];
	long first, rc;

	if (prot & PROT_EXEC)
		return -EPERM;
	if ((flags & MAP_TYPE) != MAP_PRIVATE || !(flags & MAP_ANONYMOUS))
		return -EPERM; /* shared memory and files */
	if (!len || prot & ~PROT_OK || flags & ~MAP_OK)
		return -EINVAL;
	if (len > v->pool_pages * VSYS_PAGE)
		return -ENOMEM;
	n = pages(len);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		first = take_fixed(v, (uintptr_t)c->a[0], n,
				   !(flags & MAP_FIXED));
	else
		first = take_any(v, n);
	if (first < 0)
		return first;
	rc = protect(v, page_addr(v, (size_t)first), n * VSYS_PAGE, prot);
	if (rc) {
		release(v, (size_t)first, n);
		return rc;
	}
	return (long)page_addr(v, (size_t)first);
}

/* checks shared by munmap, mprotect, madvise: the first page, or -errno;
 * mapped: every page must be in use (else ENOMEM, as Linux says) */
static long range(struct vsys *v, uintptr_t addr, size_t len, int mapped)
{
	long first;

	if (addr % VSYS_PAGE)
		return -EINVAL;
	if (len > v->pool_pages * VSYS_PAGE)
		return -EPERM;
	first = pool_page(v, addr, pages(len) * VSYS_PAGE);
	if (first < 0)
		return -EPERM;
	if (mapped) {
		vsys_lock(v);
		if (count_used(v, (size_t)first, pages(len)) != pages(len))
			first = -ENOMEM;
		vsys_unlock(v);
	}
	return first;
}

long vsys_munmap(struct vsys_call *c)
{
	size_t len = (size_t)c->a[1];
	long first;

	if (!len)
		return -EINVAL;
	first = range(c->v, (uintptr_t)c->a[0], len, 0);
	if (first < 0)
		return first;
	release(c->v, (size_t)first, pages(len));
	return 0;
}

long vsys_mprotect(struct vsys_call *c)
{
	size_t len = (size_t)c->a[1];
	int prot = (int)c->a[2];
	long first;

	if (prot & PROT_EXEC)
		return -EPERM;
	if (prot & ~PROT_OK)
		return -EINVAL;
	first = range(c->v, (uintptr_t)c->a[0], len, 1);
	if (first < 0 || !len)
		return first < 0 ? first : 0;
	return protect(c->v, (uintptr_t)c->a[0], pages(len) * VSYS_PAGE, prot);
}

long vsys_madvise(struct vsys_call *c)
{
	size_t len = (size_t)c->a[1];
	int advice = (int)c->a[2];
	long first;

	if (advice != MADV_DONTNEED && advice != MADV_FREE)
		return -EINVAL;
	first = range(c->v, (uintptr_t)c->a[0], len, 1);
	if (first < 0 || !len)
		return first < 0 ? first : 0;
	return vsys_sys(SYS_madvise, c->a[0], pages(len) * VSYS_PAGE, advice);
}

/* Memory outside the pool (the JVM's, the image's) is not the domain's
 * to move: EPERM, as for munmap. Inside, moving or growing would need a
 * second mapping: ENOMEM, and musl falls back to mmap + copy + munmap. */
long vsys_mremap(struct vsys_call *c)
{
	long first = range(c->v, (uintptr_t)c->a[0], (size_t)c->a[1], 0);

	return first < 0 ? first : -ENOMEM;
}

/* no heap by brk: the break is 0 and stays there, so brk(n) fails as
 * musl's malloc expects (it then uses mmap); Cordon's own allocator never
 * calls brk */
long vsys_brk(struct vsys_call *c)
{
	(void)c;
	return 0;
}
