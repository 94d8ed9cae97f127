/*
 * I/O on the domain's fds: each call checks its buffers against the
 * region, takes a use of the fd's slot, runs the real syscall on the real
 * fd, and gives the use back. The kernel reads and writes the domain's
 * buffers itself, after the check.
 *
 * iovec arrays are copied into trusted storage first and only the copy is
 * checked and used: the domain cannot swap a base after the check. At
 * most VSYS_IOV_MAX of them are used per call (a short transfer, which
 * POSIX allows; musl's stdio uses two).
 *
 * A zero-length buffer is allowed wherever it points: the kernel does not
 * touch it.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "vsys_int.h"

#define KERNEL_IOV_MAX 1024

static int buf_ok(const struct vsys *v, long p, long len)
{
	return !len || vsys_in_region(v, (uintptr_t)p, (size_t)len);
}

/* syscall nr(real fd, a[1], a[2], a[3], a[4]) once buf (a[bi], length
 * a[li]) is checked; li < 0: a fixed length `fixed` */
static long on_fd(struct vsys_call *c, long nr, int bi, int li, size_t fixed)
{
	const long *a = c->a;
	long real, rc;

	if (bi >= 0 && li >= 0 && !buf_ok(c->v, a[bi], a[li]))
		return -EFAULT;
	if (bi >= 0 && li < 0 && !vsys_in_region(c->v, (uintptr_t)a[bi], fixed))
		return -EFAULT;
	real = vsys_fd_get(c->v, a[0]);
	if (real < 0)
		return real;
	rc = vsys_sys6(nr, real, a[1], a[2], a[3], a[4], 0);
	vsys_fd_put(c->v, a[0]);
	return rc;
}

long vsys_read(struct vsys_call *c)
{
	return on_fd(c, SYS_read, 1, 2, 0);
}

long vsys_write(struct vsys_call *c)
{
	return on_fd(c, SYS_write, 1, 2, 0);
}

long vsys_pread(struct vsys_call *c)
{
	return on_fd(c, SYS_pread64, 1, 2, 0);
}

long vsys_pwrite(struct vsys_call *c)
{
	return on_fd(c, SYS_pwrite64, 1, 2, 0);
}

long vsys_lseek(struct vsys_call *c)
{
	return on_fd(c, SYS_lseek, -1, -1, 0);
}

long vsys_fstat(struct vsys_call *c)
{
	return on_fd(c, SYS_fstat, 1, -1, sizeof(struct stat));
}

long vsys_ftruncate(struct vsys_call *c)
{
	return on_fd(c, SYS_ftruncate, -1, -1, 0);
}

long vsys_fsync(struct vsys_call *c)
{
	return on_fd(c, SYS_fsync, -1, -1, 0);
}

long vsys_fdatasync(struct vsys_call *c)
{
	return on_fd(c, SYS_fdatasync, -1, -1, 0);
}

long vsys_getdents64(struct vsys_call *c)
{
	return on_fd(c, SYS_getdents64, 1, 2, 0);
}

/* readv family: a[1] iovecs, a[2] their count, a[3], a[4] the offset */
static long vec(struct vsys_call *c, long nr)
{
	struct iovec iov[VSYS_IOV_MAX];
	int cnt = (int)c->a[2], i;
	long real, rc;

	if (cnt < 0 || cnt > KERNEL_IOV_MAX)
		return -EINVAL;
	if (cnt > VSYS_IOV_MAX)
		cnt = VSYS_IOV_MAX;
	rc = vsys_copy_in(c->v, iov, (uintptr_t)c->a[1], (size_t)cnt * sizeof(iov[0]));
	if (rc)
		return rc;
	for (i = 0; i < cnt; i++)
		if (!buf_ok(c->v, (long)iov[i].iov_base, (long)iov[i].iov_len))
			return -EFAULT;
	real = vsys_fd_get(c->v, c->a[0]);
	if (real < 0)
		return real;
	rc = vsys_sys6(nr, real, (long)iov, cnt, c->a[3], c->a[4], 0);
	vsys_fd_put(c->v, c->a[0]);
	return rc;
}

long vsys_readv(struct vsys_call *c)
{
	return vec(c, SYS_readv);
}

long vsys_writev(struct vsys_call *c)
{
	return vec(c, SYS_writev);
}

long vsys_preadv(struct vsys_call *c)
{
	return vec(c, SYS_preadv);
}

long vsys_pwritev(struct vsys_call *c)
{
	return vec(c, SYS_pwritev);
}
