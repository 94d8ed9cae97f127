/*
 * The domain's fd table: domain fd n (0..VSYS_MAX_FDS-1, lowest free
 * first, none open at the start, as in cordon-host) names a real fd of
 * this process that the domain never learns.
 *
 * A call holds a use of the slot while it runs the real syscall; close
 * only marks a slot in use as closing and the last use closes the real
 * fd. So a real fd number is never closed (and reused by the JVM) under a
 * read or write in flight on another lane: the domain can only ever reach
 * the files it opened. A dup2 onto a slot in use or being opened gives
 * -EBUSY, as Linux's dup2 does in its own race with open.
 */
#include <errno.h>
#include <fcntl.h>

#include "vsys_int.h"

static int slot_of(long fd)
{
	int n = (int)fd; /* the kernel takes the low 32 bits */

	return n >= 0 && n < VSYS_MAX_FDS ? n : -1;
}

int vsys_fd_get(struct vsys *v, long fd)
{
	int n = slot_of(fd), real = -EBADF;

	if (n < 0)
		return -EBADF;
	vsys_lock(v);
	if (v->fds[n] >= 0 && !(v->fd_state[n] & VSYS_FD_CLOSING)) {
		real = v->fds[n];
		v->fd_refs[n]++;
	}
	vsys_unlock(v);
	return real;
}

void vsys_fd_put(struct vsys *v, long fd)
{
	int n = slot_of(fd), real = -1;

	vsys_lock(v);
	if (!--v->fd_refs[n] && (v->fd_state[n] & VSYS_FD_CLOSING)) {
		real = v->fds[n];
		v->fds[n] = VSYS_FD_FREE;
		v->fd_state[n] = 0;
	}
	vsys_unlock(v);
	if (real >= 0)
		vsys_sys(SYS_close, real, 0, 0);
}

int vsys_fd_reserve(struct vsys *v, int min)
{
	int n;

	vsys_lock(v);
	for (n = min; n < VSYS_MAX_FDS; n++) {
		if (v->fds[n] == VSYS_FD_FREE) {
			v->fds[n] = VSYS_FD_RESERVED;
			v->fd_refs[n] = 0;
			v->fd_state[n] = 0;
			break;
		}
	}
	vsys_unlock(v);
	return n < VSYS_MAX_FDS ? n : -EMFILE;
}

void vsys_fd_install(struct vsys *v, int slot, int real, int cloexec)
{
	vsys_lock(v);
	v->fds[slot] = real;
	v->fd_state[slot] = cloexec ? VSYS_FD_CLOEXEC : 0;
	vsys_unlock(v);
}

void vsys_fd_unreserve(struct vsys *v, int slot)
{
	vsys_lock(v);
	v->fds[slot] = VSYS_FD_FREE;
	vsys_unlock(v);
}

long vsys_close(struct vsys_call *c)
{
	struct vsys *v = c->v;
	int n = slot_of(c->a[0]), real = -1;
	long rc = -EBADF;

	if (n < 0)
		return -EBADF;
	vsys_lock(v);
	if (v->fds[n] >= 0 && !(v->fd_state[n] & VSYS_FD_CLOSING)) {
		rc = 0;
		if (v->fd_refs[n]) {
			v->fd_state[n] |= VSYS_FD_CLOSING;
		} else {
			real = v->fds[n];
			v->fds[n] = VSYS_FD_FREE;
			v->fd_state[n] = 0;
		}
	}
	vsys_unlock(v);
	if (real >= 0)
		rc = vsys_sys(SYS_close, real, 0, 0);
	/* the slot is free whatever close says (EINTR, EIO) */
	return rc == -EBADF || rc >= 0 ? rc : 0;
}

/* a new real fd for `real`: close-on-exec, as every real fd of a domain */
static long dup_real(int real)
{
	return vsys_sys(SYS_fcntl, real, F_DUPFD_CLOEXEC, 0);
}

/* dup and F_DUPFD: the lowest free slot >= min */
static long dup_from(struct vsys *v, long fd, int min, int cloexec)
{
	long real, copy;
	int slot;

	real = vsys_fd_get(v, fd);
	if (real < 0)
		return real;
	slot = vsys_fd_reserve(v, min);
	if (slot < 0) {
		vsys_fd_put(v, fd);
		return slot;
	}
	copy = dup_real((int)real);
	vsys_fd_put(v, fd);
	if (copy < 0) {
		vsys_fd_unreserve(v, slot);
		return copy;
	}
	vsys_fd_install(v, slot, (int)copy, cloexec);
	return slot;
}

/* dup2/dup3 onto `nfd`, which may be open: it is replaced at once */
static long dup_onto(struct vsys *v, long fd, long nfd, int cloexec)
{
	int n = slot_of(nfd), prev = -1;
	long real, copy, rc = nfd;

	real = vsys_fd_get(v, fd);
	if (real < 0)
		return real;
	if (n < 0) {
		vsys_fd_put(v, fd);
		return -EBADF;
	}
	copy = dup_real((int)real);
	vsys_fd_put(v, fd);
	if (copy < 0)
		return copy;
	vsys_lock(v);
	if (v->fds[n] == VSYS_FD_RESERVED || v->fd_refs[n] ||
	    (v->fd_state[n] & VSYS_FD_CLOSING)) {
		rc = -EBUSY;
	} else {
		prev = v->fds[n];
		v->fds[n] = (int)copy;
		v->fd_state[n] = cloexec ? VSYS_FD_CLOEXEC : 0;
		copy = -1;
	}
	vsys_unlock(v);
	if (copy >= 0)
		vsys_sys(SYS_close, copy, 0, 0);
	if (prev >= 0)
		vsys_sys(SYS_close, prev, 0, 0);
	return rc;
}

long vsys_dup(struct vsys_call *c)
{
	return dup_from(c->v, c->a[0], 0, 0);
}

long vsys_dup2(struct vsys_call *c)
{
	long real;

	if (slot_of(c->a[0]) >= 0 && (int)c->a[0] == (int)c->a[1]) {
		real = vsys_fd_get(c->v, c->a[0]);
		if (real < 0)
			return real;
		vsys_fd_put(c->v, c->a[0]);
		return (int)c->a[1];
	}
	return dup_onto(c->v, c->a[0], c->a[1], 0);
}

long vsys_dup3(struct vsys_call *c)
{
	if ((int)c->a[2] & ~O_CLOEXEC)
		return -EINVAL;
	if ((int)c->a[0] == (int)c->a[1])
		return -EINVAL;
	return dup_onto(c->v, c->a[0], c->a[1], !!((int)c->a[2] & O_CLOEXEC));
}

static long fd_flags(struct vsys *v, long fd, long cmd, long arg)
{
	int n = slot_of(fd);
	long rc = 0;

	if (vsys_fd_get(v, fd) < 0)
		return -EBADF;
	vsys_lock(v);
	if (cmd == F_GETFD)
		rc = v->fd_state[n] & VSYS_FD_CLOEXEC ? FD_CLOEXEC : 0;
	else if (arg & FD_CLOEXEC)
		v->fd_state[n] |= VSYS_FD_CLOEXEC;
	else
		v->fd_state[n] &= (uint8_t)~VSYS_FD_CLOEXEC;
	vsys_unlock(v);
	vsys_fd_put(v, fd);
	return rc;
}

/* F_SETFL changes O_APPEND and O_NONBLOCK only; the other bits are kept */
static long file_flags(struct vsys *v, long fd, long cmd, long arg)
{
	const long settable = O_APPEND | O_NONBLOCK;
	long real = vsys_fd_get(v, fd), fl;

	if (real < 0)
		return real;
	fl = vsys_sys(SYS_fcntl, real, F_GETFL, 0);
	if (fl >= 0 && cmd == F_SETFL)
		fl = vsys_sys(SYS_fcntl, real, F_SETFL,
			      (fl & ~settable) | ((int)arg & settable));
	vsys_fd_put(v, fd);
	return fl;
}

long vsys_fcntl(struct vsys_call *c)
{
	int cmd = (int)c->a[1], min = (int)c->a[2];

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (min < 0 || min >= VSYS_MAX_FDS)
			return -EINVAL;
		return dup_from(c->v, c->a[0], min, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
	case F_SETFD:
		return fd_flags(c->v, c->a[0], cmd, c->a[2]);
	case F_GETFL:
	case F_SETFL:
		return file_flags(c->v, c->a[0], cmd, c->a[2]);
	default:
		return -EPERM; /* locks, leases, owners, pipes, seals */
	}
}

long vsys_ioctl(struct vsys_call *c)
{
	if (vsys_fd_get(c->v, c->a[0]) < 0)
		return -EBADF;
	vsys_fd_put(c->v, c->a[0]);
	return -ENOTTY;
}
