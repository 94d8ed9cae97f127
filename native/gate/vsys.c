/*
 * The virtual system context's front: set-up and release, the dispatch
 * table (which system calls a domain may make at all, and under which
 * CORDON_SYS_* group), and the helpers every handler uses: the spinlock
 * and copies between trusted memory and the domain's region made by the
 * kernel, so that a bad pointer is an -EFAULT and never a fault here.
 *
 * Whatever the table does not name fails with -EPERM, as does a call of a
 * withheld group: the same answer cordon-host's seccomp filter gives.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "cordon/mpkdomain.h"
#include "vsys_int.h"

#define ALWAYS 0u

struct entry {
	vsys_fn fn;
	unsigned group;
};

#define NR_MAX 448

static const struct entry table[NR_MAX] = {
	/* io: the domain's own fds */
	[SYS_read] = { vsys_read, CORDON_SYS_IO },
	[SYS_write] = { vsys_write, CORDON_SYS_IO },
	[SYS_pread64] = { vsys_pread, CORDON_SYS_IO },
	[SYS_pwrite64] = { vsys_pwrite, CORDON_SYS_IO },
	[SYS_readv] = { vsys_readv, CORDON_SYS_IO },
	[SYS_writev] = { vsys_writev, CORDON_SYS_IO },
	[SYS_preadv] = { vsys_preadv, CORDON_SYS_IO },
	[SYS_pwritev] = { vsys_pwritev, CORDON_SYS_IO },
	[SYS_close] = { vsys_close, CORDON_SYS_IO },
	[SYS_lseek] = { vsys_lseek, CORDON_SYS_IO },
	[SYS_fstat] = { vsys_fstat, CORDON_SYS_IO },
	[SYS_ftruncate] = { vsys_ftruncate, CORDON_SYS_IO },
	[SYS_fsync] = { vsys_fsync, CORDON_SYS_IO },
	[SYS_fdatasync] = { vsys_fdatasync, CORDON_SYS_IO },
	[SYS_getdents64] = { vsys_getdents64, CORDON_SYS_IO },
	[SYS_fcntl] = { vsys_fcntl, CORDON_SYS_IO },
	[SYS_dup] = { vsys_dup, CORDON_SYS_IO },
	[SYS_dup2] = { vsys_dup2, CORDON_SYS_IO },
	[SYS_dup3] = { vsys_dup3, CORDON_SYS_IO },
	[SYS_ioctl] = { vsys_ioctl, CORDON_SYS_IO },
	/* io: paths, beneath the data dir */
	[SYS_open] = { vsys_open, CORDON_SYS_IO },
	[SYS_openat] = { vsys_openat, CORDON_SYS_IO },
	[SYS_stat] = { vsys_stat, CORDON_SYS_IO },
	[SYS_lstat] = { vsys_lstat, CORDON_SYS_IO },
	[SYS_newfstatat] = { vsys_newfstatat, CORDON_SYS_IO },
	[SYS_statx] = { vsys_statx, CORDON_SYS_IO },
	[SYS_access] = { vsys_access, CORDON_SYS_IO },
	[SYS_faccessat] = { vsys_faccessat, CORDON_SYS_IO },
	[SYS_faccessat2] = { vsys_faccessat2, CORDON_SYS_IO },
	[SYS_mkdir] = { vsys_mkdir, CORDON_SYS_IO },
	[SYS_mkdirat] = { vsys_mkdirat, CORDON_SYS_IO },
	[SYS_rmdir] = { vsys_rmdir, CORDON_SYS_IO },
	[SYS_unlink] = { vsys_unlink, CORDON_SYS_IO },
	[SYS_unlinkat] = { vsys_unlinkat, CORDON_SYS_IO },
	[SYS_rename] = { vsys_rename, CORDON_SYS_IO },
	[SYS_renameat] = { vsys_renameat, CORDON_SYS_IO },
	[SYS_renameat2] = { vsys_renameat2, CORDON_SYS_IO },
	[SYS_getcwd] = { vsys_getcwd, CORDON_SYS_IO },
	/* time */
	[SYS_clock_gettime] = { vsys_clock_gettime, CORDON_SYS_TIME },
	[SYS_clock_getres] = { vsys_clock_getres, CORDON_SYS_TIME },
	[SYS_clock_nanosleep] = { vsys_clock_nanosleep, CORDON_SYS_TIME },
	[SYS_nanosleep] = { vsys_nanosleep, CORDON_SYS_TIME },
	[SYS_gettimeofday] = { vsys_gettimeofday, CORDON_SYS_TIME },
	[SYS_time] = { vsys_time, CORDON_SYS_TIME },
	/* memory: the pool only */
	[SYS_mmap] = { vsys_mmap, CORDON_SYS_MEMORY },
	[SYS_munmap] = { vsys_munmap, CORDON_SYS_MEMORY },
	[SYS_mprotect] = { vsys_mprotect, CORDON_SYS_MEMORY },
	[SYS_madvise] = { vsys_madvise, CORDON_SYS_MEMORY },
	[SYS_mremap] = { vsys_mremap, CORDON_SYS_MEMORY },
	[SYS_brk] = { vsys_brk, CORDON_SYS_MEMORY },
	/* random */
	[SYS_getrandom] = { vsys_getrandom, CORDON_SYS_RANDOM },
	/* signals: only ever at itself, and never delivered */
	[SYS_kill] = { vsys_kill, CORDON_SYS_SIGNALS },
	[SYS_tkill] = { vsys_tkill, CORDON_SYS_SIGNALS },
	[SYS_tgkill] = { vsys_tgkill, CORDON_SYS_SIGNALS },
	[SYS_rt_sigprocmask] = { vsys_rt_sigprocmask, CORDON_SYS_SIGNALS },
	[SYS_rt_sigaction] = { vsys_rt_sigaction, CORDON_SYS_SIGNALS },
	/* always */
	[SYS_getpid] = { vsys_getpid, ALWAYS },
	[SYS_gettid] = { vsys_getpid, ALWAYS },
	[SYS_getppid] = { vsys_getppid, ALWAYS },
	[SYS_sched_yield] = { vsys_sched_yield, ALWAYS },
	[SYS_exit] = { vsys_exit, ALWAYS },
	[SYS_exit_group] = { vsys_exit, ALWAYS },
	[SYS_futex] = { vsys_futex, ALWAYS },
};

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
	const struct entry *e;

	*outcome = VSYS_RETURN;
	if (why && len)
		why[0] = 0;
	__atomic_add_fetch(&v->dispatched, 1, __ATOMIC_RELAXED);
	/* negative, x32 (bit 30) and unknown numbers all land here */
	if (nr < 0 || nr >= NR_MAX || !table[nr].fn)
		return -EPERM;
	e = &table[nr];
	if (e->group && !(v->groups & e->group))
		return -EPERM;
	return e->fn(&c);
}
