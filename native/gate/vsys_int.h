/*
 * What the vsys_*.c files share: one call in progress, raw syscalls that
 * never touch errno (the FS base may not be glibc's), the region checks,
 * copies through the kernel, the spinlock, and the handlers the dispatch
 * table in vsys.c names.
 */
#ifndef CORDON_MPK_VSYS_INT_H
#define CORDON_MPK_VSYS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "vsys.h"

#define VSYS_PAGE      4096UL
#define VSYS_PATH_MAX  4096  /* with its NUL, as the kernel's PATH_MAX */
#define VSYS_IOV_MAX   64    /* iovecs used per call: more give a short transfer */

/* One call: the domain's context, its arguments, and where an end goes. */
struct vsys_call {
	struct vsys *v;
	const long *a;
	enum vsys_outcome *outcome;
	char *why;
	size_t why_len;
};

typedef long (*vsys_fn)(struct vsys_call *c);

/* A raw system call: the result or -errno. */
static inline long vsys_sys6(long nr, long a0, long a1, long a2, long a3,
			     long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define vsys_sys(nr, a0, a1, a2) vsys_sys6(nr, (long)(a0), (long)(a1), (long)(a2), 0, 0, 0)

/* [p, p + len) wholly inside the region (overflow-safe). */
static inline int vsys_in_region(const struct vsys *v, uintptr_t p, size_t len)
{
	return p >= v->region_base && p - v->region_base <= v->region_size &&
	       len <= v->region_size - (p - v->region_base);
}

/* the same, where NULL (0) is allowed too */
static inline int vsys_in_region_or_null(const struct vsys *v, uintptr_t p, size_t len)
{
	return !p || vsys_in_region(v, p, len);
}

void vsys_lock(struct vsys *v);
void vsys_unlock(struct vsys *v);

/* Copies between trusted memory and the region, through the kernel:
 * 0 or -EFAULT. The range is checked here too. */
int vsys_copy_in(const struct vsys *v, void *dst, uintptr_t src, size_t len);
int vsys_copy_out(const struct vsys *v, uintptr_t dst, const void *src, size_t len);
/* A NUL-terminated string of at most cap bytes with its NUL: its length,
 * -EFAULT, or -ENAMETOOLONG. */
long vsys_copy_str(const struct vsys *v, char *dst, size_t cap, uintptr_t src);

/* End the call (VSYS_END_CALL) with why = a b d; returns 0. */
long vsys_end(struct vsys_call *c, const char *a, const char *b, const char *d);
/* n in decimal, in buf (at least 24 bytes); returns buf */
char *vsys_utoa(char *buf, unsigned long n);

/* fd table (vsys_fd.c) */
int vsys_fd_get(struct vsys *v, long fd);    /* real fd (a use taken) or -EBADF */
void vsys_fd_put(struct vsys *v, long fd);   /* give the use back */
int vsys_fd_reserve(struct vsys *v, int min); /* a slot >= min, or -EMFILE */
void vsys_fd_install(struct vsys *v, int slot, int real, int cloexec);
void vsys_fd_unreserve(struct vsys *v, int slot);

/* handlers: a[] are the domain's arguments */
long vsys_read(struct vsys_call *c);
long vsys_write(struct vsys_call *c);
long vsys_pread(struct vsys_call *c);
long vsys_pwrite(struct vsys_call *c);
long vsys_readv(struct vsys_call *c);
long vsys_writev(struct vsys_call *c);
long vsys_preadv(struct vsys_call *c);
long vsys_pwritev(struct vsys_call *c);
long vsys_close(struct vsys_call *c);
long vsys_lseek(struct vsys_call *c);
long vsys_fstat(struct vsys_call *c);
long vsys_ftruncate(struct vsys_call *c);
long vsys_fsync(struct vsys_call *c);
long vsys_fdatasync(struct vsys_call *c);
long vsys_getdents64(struct vsys_call *c);
long vsys_fcntl(struct vsys_call *c);
long vsys_dup(struct vsys_call *c);
long vsys_dup2(struct vsys_call *c);
long vsys_dup3(struct vsys_call *c);
long vsys_ioctl(struct vsys_call *c);

long vsys_open(struct vsys_call *c);
long vsys_openat(struct vsys_call *c);
long vsys_stat(struct vsys_call *c);
long vsys_lstat(struct vsys_call *c);
long vsys_newfstatat(struct vsys_call *c);
long vsys_statx(struct vsys_call *c);
long vsys_access(struct vsys_call *c);
long vsys_faccessat(struct vsys_call *c);
long vsys_faccessat2(struct vsys_call *c);
long vsys_mkdir(struct vsys_call *c);
long vsys_mkdirat(struct vsys_call *c);
long vsys_rmdir(struct vsys_call *c);
long vsys_unlink(struct vsys_call *c);
long vsys_unlinkat(struct vsys_call *c);
long vsys_rename(struct vsys_call *c);
long vsys_renameat(struct vsys_call *c);
long vsys_renameat2(struct vsys_call *c);
long vsys_truncate(struct vsys_call *c);
long vsys_getcwd(struct vsys_call *c);

long vsys_mmap(struct vsys_call *c);
long vsys_munmap(struct vsys_call *c);
long vsys_mprotect(struct vsys_call *c);
long vsys_madvise(struct vsys_call *c);
long vsys_mremap(struct vsys_call *c);
long vsys_brk(struct vsys_call *c);

long vsys_clock_gettime(struct vsys_call *c);
long vsys_clock_getres(struct vsys_call *c);
long vsys_clock_nanosleep(struct vsys_call *c);
long vsys_nanosleep(struct vsys_call *c);
long vsys_gettimeofday(struct vsys_call *c);
long vsys_time(struct vsys_call *c);
long vsys_getrandom(struct vsys_call *c);

long vsys_getpid(struct vsys_call *c);
long vsys_getppid(struct vsys_call *c);
long vsys_sched_yield(struct vsys_call *c);
long vsys_exit(struct vsys_call *c);
long vsys_futex(struct vsys_call *c);
long vsys_kill(struct vsys_call *c);
long vsys_tkill(struct vsys_call *c);
long vsys_tgkill(struct vsys_call *c);
long vsys_rt_sigprocmask(struct vsys_call *c);
long vsys_rt_sigaction(struct vsys_call *c);

#endif
