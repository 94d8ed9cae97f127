/*
 * The virtual system context's front: set-up and release, the dispatch
 * table (made from the policy table, cordon/syscalls.def: which system
 * calls a domain may make at all, under which group, and their handlers),
 * and the helpers every handler uses: the spinlock
 * and copies between trusted memory and the domain's region made by the
 * kernel, so that a bad pointer is an -EFAULT and never a fault here.
 *
 * Whatever the table does not name fails with -EPERM, as does a call of a
 * withheld group: the same answer cordon-host's seccomp filter gives
 * (tests/test_policy.c holds them to it).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "cordon/mpkdomain.h"
#include "vsys_int.h"

struct entry {
	vsys_fn fn;
	unsigned group;
};

#define NR_MAX 512

/* The policy table's mpk column: the handler of each call vsys runs, under
 * its group (cordon/syscalls.def); a number without one gets EPERM. */
#define P(rule, e)
#define U(rule, e)
#define M(handler) handler
#define M_NONE NULL
#define CORDON_SYSCALL(name, group, process, mpk, uswitch, why) \
	[SYS_##name] = { mpk, CORDON_SYS_##group },

static const struct entry table[NR_MAX] = {
#include "cordon/syscalls.def"
};
#undef CORDON_SYSCALL
#undef P
#undef U
#undef M
#undef M_NONE


/* the handler of nr under groups, or NULL: refused */
static vsys_fn permitted(unsigned groups, long nr)
{
	const struct entry *e;

	/* negative, x32 (bit 30) and unknown numbers all land here */
	if (nr < 0 || nr >= NR_MAX || !table[nr].fn)
		return NULL;
	e = &table[nr];
	if (e->group == CORDON_SYS_NEVER || (e->group && !(groups & e->group)))
		return NULL;
	return e->fn;
}

int vsys_permits(unsigned groups, long nr)
{
	return permitted(groups, nr) != NULL;
}

int vsys_init(struct vsys *v, uintptr_t region_base, size_t region_size,
	      uintptr_t pool_base, size_t pool_pages, uint64_t *pool_used,
	      int key, unsigned groups, int data_dir_fd)
{
	unsigned i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < VSYS_MAX_FDS; i++)
		v->fds[i] = VSYS_FD_FREE;
	v->region_base = region_base;
	v->region_size = region_size;
	v->key = key;
	v->groups = groups;
	v->data_dir_fd = data_dir_fd;
	if ((pool_pages && !pool_used) || pool_base % VSYS_PAGE ||
	    pool_pages > region_size / VSYS_PAGE ||
	    !vsys_in_region(v, pool_base, pool_pages * VSYS_PAGE))
		return -EINVAL;
	v->pool_base = pool_base;
	v->pool_pages = pool_pages;
	v->pool_used = pool_used;
	for (i = 0; i < (pool_pages + 63) / 64; i++)
		pool_used[i] = 0;
	return 0;
}

void vsys_release(struct vsys *v)
{
	unsigned i;

	for (i = 0; i < VSYS_MAX_FDS; i++) {
		if (v->fds[i] >= 0)
			vsys_sys(SYS_close, v->fds[i], 0, 0);
		v->fds[i] = VSYS_FD_FREE;
		v->fd_refs[i] = 0;
		v->fd_state[i] = 0;
	}
}

void vsys_lock(struct vsys *v)
{
	while (__atomic_exchange_n(&v->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&v->lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

void vsys_unlock(struct vsys *v)
{
	__atomic_store_n(&v->lock, 0, __ATOMIC_RELEASE);
}

/* process_vm_readv/writev on this process: n bytes moved, or -errno */
static long vm_rw(long nr, void *local, uintptr_t remote, size_t len)
{
	struct iovec l = { local, len }, r = { (void *)remote, len };
	long pid = vsys_sys(SYS_getpid, 0, 0, 0);

	return vsys_sys6(nr, pid, (long)&l, 1, (long)&r, 1, 0);
}

int vsys_copy_in(const struct vsys *v, void *dst, uintptr_t src, size_t len)
{
	if (!vsys_in_region(v, src, len))
		return -EFAULT;
	if (!len)
		return 0;
	return vm_rw(SYS_process_vm_readv, dst, src, len) == (long)len ? 0 : -EFAULT;
}

int vsys_copy_out(const struct vsys *v, uintptr_t dst, const void *src, size_t len)
{
	if (!vsys_in_region(v, dst, len))
		return -EFAULT;
	if (!len)
		return 0;
	return vm_rw(SYS_process_vm_writev, (void *)src, dst, len) == (long)len ? 0 : -EFAULT;
}

/*
 * Copy up to cap bytes, but never past the region's end; the kernel stops
 * at the first unreadable page and says how far it got, so a string that
 * ends just before one is still read whole.
 */
long vsys_copy_str(const struct vsys *v, char *dst, size_t cap, uintptr_t src)
{
	size_t want, i;
	long n;

	if (!vsys_in_region(v, src, 1))
		return -EFAULT;
	want = v->region_size - (src - v->region_base);
	if (want > cap)
		want = cap;
	n = vm_rw(SYS_process_vm_readv, dst, src, want);
	if (n <= 0)
		return -EFAULT;
	for (i = 0; i < (size_t)n; i++)
		if (!dst[i])
			return (long)i;
	return (size_t)n == cap ? -ENAMETOOLONG : -EFAULT;
}

char *vsys_utoa(char *buf, unsigned long n)
{
	char tmp[24];
	int i = 0, j = 0;

	do
		tmp[i++] = (char)('0' + n % 10);
	while ((n /= 10) && i < 23);
	while (i)
		buf[j++] = tmp[--i];
	buf[j] = 0;
	return buf;
}

static size_t append(char *why, size_t len, size_t at, const char *s)
{
	while (s && *s && at + 1 < len)
		why[at++] = *s++;
	return at;
}

long vsys_end(struct vsys_call *c, const char *a, const char *b, const char *d)
{
	size_t at = 0;

	*c->outcome = VSYS_END_CALL;
	if (!c->why || !c->why_len)
		return 0;
	at = append(c->why, c->why_len, at, a);
	at = append(c->why, c->why_len, at, b);
	at = append(c->why, c->why_len, at, d);
	c->why[at] = 0;
	return 0;
}

long vsys_dispatch(struct vsys *v, long nr, const long args[6],
		   enum vsys_outcome *outcome, char *why, size_t len)
{
	struct vsys_call c = { v, args, outcome, why, len };
	vsys_fn fn;

	*outcome = VSYS_RETURN;
	if (why && len)
		why[0] = 0;
	__atomic_add_fetch(&v->dispatched, 1, __ATOMIC_RELAXED);
	fn = permitted(v->groups, nr);
	return fn ? fn(&c) : -EPERM;
}
