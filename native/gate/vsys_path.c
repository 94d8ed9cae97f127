/*
 * Paths: everything a domain names by path is found beneath its data
 * directory, which is its "/" and its working directory: an absolute path
 * is read relative to it, as is one relative to AT_FDCWD; one relative to
 * a domain dir fd is resolved beneath that fd (itself beneath the data
 * dir). No data dir: -EACCES, as cordon-host's Landlock answers.
 *
 * The path is copied into trusted storage first (so the domain cannot
 * change it under us, and the kernel never reads past the region), then
 * resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): ".."
 * above the base, absolute symlinks, symlinks leading out and /proc magic
 * links all fail (EXDEV or ELOOP); symlinks that stay inside work, as they
 * would under cordon-host's Landlock.
 *
 * truncate opens the file beneath the base for writing, then truncates
 * that fd. Calls that have no resolve flags of their own (stat, access,
 * mkdir, unlink, rename) first open the object (stat, access) or its parent
 * directory (the others) beneath the base as an O_PATH fd, then act on
 * that fd, or on one plain name inside it.
 *
 * O_PATH and O_TMPFILE opens are refused (EPERM): a domain fd is always
 * one that read, write or fstat can use, and a file always has a name.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include "vsys_int.h"

#define OPEN_LARGEFILE 0100000
#define OPEN_TMPFILE   020000000 /* __O_TMPFILE */
#define OPEN_ALLOWED (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | \
		      O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECTORY | \
		      O_NOFOLLOW | O_CLOEXEC | O_NOATIME | OPEN_LARGEFILE)
#define RENAME_FLAGS 3 /* RENAME_NOREPLACE | RENAME_EXCHANGE */
#define RESOLVE (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
#define STATX_BUF_SIZE 256 /* struct statx */

/* a domain path, copied, and the base it is resolved from */
struct dpath {
	char buf[VSYS_PATH_MAX];
	const char *path;   /* buf + skip, or "." for "/" */
	size_t skip;        /* leading '/'s */
	int root;           /* the path was "/" (or "//"...) */
	int base;           /* real dir fd */
	long held;          /* domain fd whose use we hold, or -1 */
};

/* copy the path at p, find its base for domain dir fd dfd */
static long dpath_get(struct vsys_call *c, struct dpath *d, long dfd, long p)
{
	struct vsys *v = c->v;
	long n;

	d->held = -1;
	if (v->data_dir_fd < 0)
		return -EACCES;
	n = vsys_copy_str(v, d->buf, sizeof(d->buf), (uintptr_t)p);
	if (n < 0)
		return n;
	d->skip = 0;
	while (d->buf[d->skip] == '/')
		d->skip++;
	d->path = d->buf + d->skip;
	d->root = d->skip && !*d->path;
	if (d->root)
		d->path = "."; /* "/" is the data dir */
	if (d->skip || (int)dfd == AT_FDCWD) {
		d->base = v->data_dir_fd;
		return 0;
	}
	n = vsys_fd_get(v, dfd);
	if (n < 0)
		return n;
	d->base = (int)n;
	d->held = dfd;
	return 0;
}

static void dpath_put(struct vsys_call *c, struct dpath *d)
{
	if (d->held >= 0)
		vsys_fd_put(c->v, d->held);
	d->held = -1;
}

static long open_beneath(int base, const char *path, long flags, long mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.mode = (uint64_t)mode,
		.resolve = RESOLVE,
	};

	return vsys_sys6(SYS_openat2, base, (long)path, (long)&how, sizeof(how), 0, 0);
}

static long do_openat(struct vsys_call *c, long dfd, long p, long flags, long mode)
{
	struct dpath d;
	long rc, real;
	int slot;

	if (flags & (O_PATH | OPEN_TMPFILE))
		return -EPERM;
	if ((int)flags & ~OPEN_ALLOWED)
		return -EINVAL;
	rc = dpath_get(c, &d, dfd, p);
	if (rc)
		return rc;
	slot = vsys_fd_reserve(c->v, 0);
	if (slot < 0) {
		dpath_put(c, &d);
		return slot;
	}
	real = open_beneath(d.base, d.path, (int)flags,
			    (flags & O_CREAT) ? mode & 07777 : 0);
	dpath_put(c, &d);
	if (real < 0) {
		vsys_fd_unreserve(c->v, slot);
		return real;
	}
	vsys_fd_install(c->v, slot, (int)real, !!(flags & O_CLOEXEC));
	return slot;
}

long vsys_open(struct vsys_call *c)
{
	return do_openat(c, AT_FDCWD, c->a[0], c->a[1], c->a[2]);
}

long vsys_openat(struct vsys_call *c)
{
	return do_openat(c, c->a[0], c->a[1], c->a[2], c->a[3]);
}

/*
 * An O_PATH fd for (dfd, p), the object itself (not what a last symlink
 * points at) with nofollow; with empty_ok an empty path is the dir fd
 * itself. *tmp: the fd to close after, or -1.
 */
static long object_fd(struct vsys_call *c, struct dpath *d, long dfd, long p,
		      int nofollow, int empty_ok, int *tmp)
{
	long rc = dpath_get(c, d, dfd, p);

	*tmp = -1;
	if (rc)
		return rc;
	if (empty_ok && !d->buf[0])
		return d->base;
	rc = open_beneath(d->base, d->path, O_PATH | (nofollow ? O_NOFOLLOW : 0), 0);
	if (rc < 0) {
		dpath_put(c, d);
		return rc;
	}
	*tmp = (int)rc;
	return rc;
}

static void object_put(struct vsys_call *c, struct dpath *d, int tmp)
{
	if (tmp >= 0)
		vsys_sys(SYS_close, tmp, 0, 0);
	dpath_put(c, d);
}

static long do_fstatat(struct vsys_call *c, long dfd, long p, long buf, long flags)
{
	const long ok = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT;
	struct dpath d;
	long fd, rc;
	int tmp;

	if (flags & ~ok)
		return -EINVAL;
	if (!vsys_in_region(c->v, (uintptr_t)buf, sizeof(struct stat)))
		return -EFAULT;
	fd = object_fd(c, &d, dfd, p, !!(flags & AT_SYMLINK_NOFOLLOW),
		       !!(flags & AT_EMPTY_PATH), &tmp);
	if (fd < 0)
		return fd;
	rc = vsys_sys6(SYS_newfstatat, fd, (long)"", buf, AT_EMPTY_PATH, 0, 0);
	object_put(c, &d, tmp);
	return rc;
}

long vsys_stat(struct vsys_call *c)
{
	return do_fstatat(c, AT_FDCWD, c->a[0], c->a[1], 0);
}

long vsys_lstat(struct vsys_call *c)
{
	return do_fstatat(c, AT_FDCWD, c->a[0], c->a[1], AT_SYMLINK_NOFOLLOW);
}

long vsys_newfstatat(struct vsys_call *c)
{
	return do_fstatat(c, c->a[0], c->a[1], c->a[2], c->a[3]);
}

long vsys_statx(struct vsys_call *c)
{
	const long ok = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
			AT_STATX_SYNC_TYPE;
	long flags = (int)c->a[2], fd, rc;
	struct dpath d;
	int tmp;

	if (flags & ~ok)
		return -EINVAL;
	if (!vsys_in_region(c->v, (uintptr_t)c->a[4], STATX_BUF_SIZE))
		return -EFAULT;
	fd = object_fd(c, &d, c->a[0], c->a[1], !!(flags & AT_SYMLINK_NOFOLLOW),
		       !!(flags & AT_EMPTY_PATH), &tmp);
	if (fd < 0)
		return fd;
	rc = vsys_sys6(SYS_statx, fd, (long)"",
		       AT_EMPTY_PATH | (flags & AT_STATX_SYNC_TYPE),
		       (unsigned)c->a[3], c->a[4], 0);
	object_put(c, &d, tmp);
	return rc;
}

static long do_access(struct vsys_call *c, long dfd, long p, long mode, long flags)
{
	const long ok = AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH;
	struct dpath d;
	long fd, rc;
	int tmp;

	if ((int)mode & ~7 || flags & ~ok)
		return -EINVAL;
	fd = object_fd(c, &d, dfd, p, !!(flags & AT_SYMLINK_NOFOLLOW),
		       !!(flags & AT_EMPTY_PATH), &tmp);
	if (fd < 0)
		return fd;
	rc = vsys_sys6(SYS_faccessat2, fd, (long)"", (int)mode,
		       AT_EMPTY_PATH | (flags & AT_EACCESS), 0, 0);
	object_put(c, &d, tmp);
	return rc;
}

long vsys_access(struct vsys_call *c)
{
	return do_access(c, AT_FDCWD, c->a[0], c->a[1], 0);
}

long vsys_faccessat(struct vsys_call *c)
{
	return do_access(c, c->a[0], c->a[1], c->a[2], 0);
}

long vsys_faccessat2(struct vsys_call *c)
{
	return do_access(c, c->a[0], c->a[1], c->a[2], (int)c->a[3]);
}

/* (dfd, p) split into a parent dir opened beneath the base and one plain
 * name in it */
struct entry {
	struct dpath d;
	int dir;         /* real fd of the parent */
	int tmp;         /* to close after, or -1 */
	const char *name;
};

static int is_dot(const char *s)
{
	return s[0] == '.' && (!s[1] || (s[1] == '.' && !s[2]));
}

static long entry_get(struct vsys_call *c, struct entry *e, long dfd, long p)
{
	char *path, *end, *name;
	long rc = dpath_get(c, &e->d, dfd, p);

	e->tmp = -1;
	if (rc)
		return rc;
	e->dir = e->d.base;
	path = e->d.buf + e->d.skip; /* the path, writable */
	end = path;
	while (*end)
		end++;
	while (end > path && end[-1] == '/')
		*--end = 0;
	name = end;
	while (name > path && name[-1] != '/')
		name--;
	e->name = name;
	if (e->d.root)
		rc = -EBUSY; /* "/" itself */
	else if (!*name)
		rc = -ENOENT;
	else if (is_dot(name))
		rc = -EINVAL;
	if (!rc && name > path) {
		name[-1] = 0;
		rc = open_beneath(e->d.base, path, O_PATH | O_DIRECTORY, 0);
		if (rc >= 0) {
			e->dir = e->tmp = (int)rc;
			rc = 0;
		}
	}
	if (rc)
		dpath_put(c, &e->d);
	return rc;
}

static void entry_put(struct vsys_call *c, struct entry *e)
{
	if (e->tmp >= 0)
		vsys_sys(SYS_close, e->tmp, 0, 0);
	dpath_put(c, &e->d);
}

static long do_mkdirat(struct vsys_call *c, long dfd, long p, long mode)
{
	struct entry e;
	long rc = entry_get(c, &e, dfd, p);

	if (rc)
		return rc;
	rc = vsys_sys(SYS_mkdirat, e.dir, e.name, (int)mode & 07777);
	entry_put(c, &e);
	return rc;
}

long vsys_mkdir(struct vsys_call *c)
{
	return do_mkdirat(c, AT_FDCWD, c->a[0], c->a[1]);
}

long vsys_mkdirat(struct vsys_call *c)
{
	return do_mkdirat(c, c->a[0], c->a[1], c->a[2]);
}

static long do_unlinkat(struct vsys_call *c, long dfd, long p, long flags)
{
	struct entry e;
	long rc;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	rc = entry_get(c, &e, dfd, p);
	if (rc)
		return rc;
	rc = vsys_sys(SYS_unlinkat, e.dir, e.name, flags);
	entry_put(c, &e);
	return rc;
}

long vsys_rmdir(struct vsys_call *c)
{
	return do_unlinkat(c, AT_FDCWD, c->a[0], AT_REMOVEDIR);
}

long vsys_unlink(struct vsys_call *c)
{
	return do_unlinkat(c, AT_FDCWD, c->a[0], 0);
}

long vsys_unlinkat(struct vsys_call *c)
{
	return do_unlinkat(c, c->a[0], c->a[1], (int)c->a[2]);
}

static long do_renameat2(struct vsys_call *c, long ofd, long op, long nfd,
			 long np, long flags)
{
	struct entry from, to;
	long rc;

	if (flags & ~(long)RENAME_FLAGS)
		return -EINVAL;
	rc = entry_get(c, &from, ofd, op);
	if (rc)
		return rc;
	rc = entry_get(c, &to, nfd, np);
	if (rc) {
		entry_put(c, &from);
		return rc;
	}
	rc = vsys_sys6(SYS_renameat2, from.dir, (long)from.name, to.dir,
		       (long)to.name, flags, 0);
	entry_put(c, &to);
	entry_put(c, &from);
	return rc;
}

long vsys_rename(struct vsys_call *c)
{
	return do_renameat2(c, AT_FDCWD, c->a[0], AT_FDCWD, c->a[1], 0);
}

long vsys_renameat(struct vsys_call *c)
{
	return do_renameat2(c, c->a[0], c->a[1], c->a[2], c->a[3], 0);
}

long vsys_renameat2(struct vsys_call *c)
{
	return do_renameat2(c, c->a[0], c->a[1], c->a[2], c->a[3], (unsigned)c->a[4]);
}

/* truncate(path, length): opened beneath the base for writing (never
 * blocking on a FIFO), as open then ftruncate would be */
long vsys_truncate(struct vsys_call *c)
{
	struct dpath d;
	long rc, fd;

	rc = dpath_get(c, &d, AT_FDCWD, c->a[0]);
	if (rc)
		return rc;
	fd = open_beneath(d.base, d.path, O_WRONLY | O_NONBLOCK | O_NOCTTY, 0);
	dpath_put(c, &d);
	if (fd < 0)
		return fd;
	rc = vsys_sys(SYS_ftruncate, fd, c->a[1], 0);
	vsys_sys(SYS_close, fd, 0, 0);
	return rc;
}

/* the data dir is "/" */
long vsys_getcwd(struct vsys_call *c)
{
	long rc;

	if (c->v->data_dir_fd < 0)
		return -EACCES;
	if ((unsigned long)c->a[1] < 2)
		return -ERANGE;
	rc = vsys_copy_out(c->v, (uintptr_t)c->a[0], "/", 2);
	return rc ? rc : 2;
}
