/*
 * The mpk backend's virtual system context (gate/vsys.h), called directly
 * as the SIGSYS handler would: a plain mmap'd region of 64 pages (its
 * second half the pool), no keys (-1), and a temporary data dir with a
 * file, symlinks that stay inside and ones that lead out, and a file
 * outside it. Every refusal is checked for its exact error and for
 * nothing having happened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "cordon/mpkdomain.h"
#include "../gate/vsys.h"
#include "../gate/vsys_int.h" /* vsys_fd_get/put: a call in flight */
#include "harness.h"
#include "suites.h"

#define PAGE 4096L
#define RPAGES 64
#define POOL_PAGES 32
#define RSIZE (RPAGES * PAGE)

/* scratch offsets in the region's first half */
#define O_PATH1 0x0000
#define O_PATH2 0x0800
#define O_BUF   0x1000
#define O_IOV   0x2000
#define O_STAT  0x3000
#define O_LONG  0x8000

static struct vsys v;
static uint64_t bits[(POOL_PAGES + 63) / 64];
static char *region, *pool;
static char dir[64], outside[96], outside_new[96];
static enum vsys_outcome outcome;
static char why[128];

static long vs(long nr, const long a[6])
{
	strcpy(why, "?");
	return vsys_dispatch(&v, nr, a, &outcome, why, sizeof(why));
}

#define VS(nr, ...) vs(nr, (const long[6]){ __VA_ARGS__ })
#define R(off) ((long)(region + (off)))

/* a string in the region at off; its address */
static long put(long off, const char *s)
{
	strcpy(region + off, s);
	return R(off);
}

static long open_rd(const char *path)
{
	return VS(SYS_openat, AT_FDCWD, put(O_PATH1, path), O_RDONLY);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int domain_fds(void)
{
	int i, n = 0;

	for (i = 0; i < VSYS_MAX_FDS; i++)
		n += v.fds[i] != VSYS_FD_FREE;
	return n;
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

/* "../<name of the outside file>" */
static const char *rel_outside(void)
{
	static char rel[128];

	snprintf(rel, sizeof(rel), "..%s", strrchr(outside, '/'));
	return rel;
}

static int setup(void)
{
	int dfd;

	region = mmap(NULL, RSIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!check(region != MAP_FAILED, "region mapped"))
		return -1;
	pool = region + (RPAGES - POOL_PAGES) * PAGE;
	strcpy(dir, "/tmp/cordon-vsys-XXXXXX");
	if (!check(mkdtemp(dir) != NULL, "data dir %s", dir))
		return -1;
	snprintf(outside, sizeof(outside), "%s.outside", dir);
	snprintf(outside_new, sizeof(outside_new), "%s.created", dir);
	write_file(outside, "secret");
	write_file(path_of(dir, "file"), "hello");
	if (symlink(outside, path_of(dir, "escape")) ||
	    symlink(rel_outside(), path_of(dir, "escape-rel")) ||
	    symlink(outside_new, path_of(dir, "dangling")) ||
	    symlink("file", path_of(dir, "inner")))
		return check(0, "symlinks"), -1;
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!check(dfd >= 0, "data dir fd"))
		return -1;
	return check(vsys_init(&v, (uintptr_t)region, RSIZE, (uintptr_t)pool,
			       POOL_PAGES, bits, -1, CORDON_SYS_ALL, dfd) == 0 &&
		     vsys_pool_reset(&v) == 0,
		     "vsys_init, vsys_pool_reset") ? 0 : -1;
}

static void teardown(void)
{
	vsys_release(&v);
	if (v.data_dir_fd >= 0)
		close(v.data_dir_fd);
	unlink(path_of(dir, "file"));
	unlink(path_of(dir, "escape"));
	unlink(path_of(dir, "escape-rel"));
	unlink(path_of(dir, "dangling"));
	unlink(path_of(dir, "inner"));
	unlink(path_of(dir, "new"));
	rmdir(dir);
	unlink(outside);
	munmap(region, RSIZE);
}

/* ---- dispatch: the forbidden list, unknown numbers, withheld groups */

static const struct {
	long nr;
	const char *name;
} forbidden[] = {
	{ SYS_fork, "fork" }, { SYS_vfork, "vfork" }, { SYS_clone, "clone" },
	{ SYS_clone3, "clone3" }, { SYS_execve, "execve" },
	{ SYS_execveat, "execveat" }, { SYS_ptrace, "ptrace" },
	{ SYS_process_vm_readv, "process_vm_readv" },
	{ SYS_process_vm_writev, "process_vm_writev" },
	{ SYS_pkey_mprotect, "pkey_mprotect" }, { SYS_pkey_alloc, "pkey_alloc" },
	{ SYS_pkey_free, "pkey_free" }, { SYS_prctl, "prctl" },
	{ SYS_arch_prctl, "arch_prctl" }, { SYS_seccomp, "seccomp" },
	{ SYS_socket, "socket" }, { SYS_connect, "connect" },
	{ SYS_io_uring_setup, "io_uring_setup" },
	{ SYS_userfaultfd, "userfaultfd" }, { SYS_memfd_create, "memfd_create" },
	{ SYS_bpf, "bpf" }, { SYS_mount, "mount" },
	{ SYS_rt_sigreturn, "rt_sigreturn" }, { SYS_sigaltstack, "sigaltstack" },
	{ SYS_restart_syscall, "restart_syscall" }, { SYS_uname, "uname" },
	{ SYS_getuid, "getuid" }, { SYS_setuid, "setuid" },
	{ SYS_preadv2, "preadv2" }, { SYS_symlinkat, "symlinkat" },
	{ SYS_linkat, "linkat" }, { SYS_chdir, "chdir" }, { SYS_chroot, "chroot" },
	{ SYS_pipe2, "pipe2" },
	{ 999, "999" }, { -1, "-1" }, { 1L << 40, "1<<40" },
	{ 0x40000000L | SYS_getpid, "x32 getpid" },
	{ 0x40000000L | SYS_read, "x32 read" },
};

/* "pid pid ..." of this thread's children, or "" */
static void children(char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)gettid());
	buf[0] = 0;
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
}

static void test_forbidden(void)
{
	char before[256], after[256];
	unsigned i;
	int bad = 0;
	long rc;

	children(before, sizeof(before));
	put(O_PATH1, "/bin/true");
	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		/* arguments that would do something were the call run */
		rc = VS(forbidden[i].nr, R(O_PATH1), 0, 0, 0, 0, 0);
		if (rc != -EPERM || outcome != VSYS_RETURN) {
			check(0, "%s -> %ld (outcome %d), not EPERM",
			      forbidden[i].name, rc, outcome);
			bad++;
		}
	}
	check(!bad, "%u forbidden, unknown and x32 calls give EPERM",
	      (unsigned)(sizeof(forbidden) / sizeof(forbidden[0])));
	children(after, sizeof(after));
	check(!strcmp(before, after), "no child process after fork/clone (\"%s\")", after);
	rc = VS(SYS_pkey_mprotect, (long)&v & -PAGE, PAGE, PROT_NONE, 0);
	check(rc == -EPERM && !strcmp(perms_of(&v), "rw-p"),
	      "pkey_mprotect of a test page: EPERM, still %s", perms_of(&v));
}

/* one allowed call per group: EPERM only when withheld */
static long group_call(unsigned g)
{
	switch (g) {
	case CORDON_SYS_IO:
		return VS(SYS_read, 5, R(O_BUF), 1);
	case CORDON_SYS_TIME:
		return VS(SYS_clock_gettime, CLOCK_MONOTONIC, R(O_BUF));
	case CORDON_SYS_MEMORY:
		return VS(SYS_brk, 0);
	case CORDON_SYS_RANDOM:
		return VS(SYS_getrandom, R(O_BUF), 8, 0);
	default:
		return VS(SYS_tkill, 1, 0);
	}
}

static void test_groups(void)
{
	static const char *const names[] = { "io", "time", "memory", "random", "signals" };
	unsigned i, g;
	long on, off, other;

	for (i = 0; i < 5; i++) {
		g = 1u << i;
		v.groups = CORDON_SYS_ALL;
		on = group_call(g);
		v.groups = CORDON_SYS_ALL & ~g;
		off = group_call(g);
		v.groups = g;
		other = VS(SYS_getpid, 0);
		check(on != -EPERM && off == -EPERM && other == VSYS_PID,
		      "%s: granted %ld, withheld EPERM (%ld), getpid always (%ld)",
		      names[i], on, off, other);
	}
	v.groups = 0;
	check(VS(SYS_openat, AT_FDCWD, put(O_PATH1, "file"), O_RDONLY) == -EPERM &&
	      domain_fds() == 0, "io withheld: openat EPERM, no fd");
	check(VS(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -EPERM,
	      "memory withheld: mmap EPERM");
	check(VS(SYS_tkill, 1, SIGABRT) == -EPERM && outcome == VSYS_RETURN,
	      "signals withheld: tkill(SIGABRT) EPERM, the call goes on");
	check(VS(SYS_kill, getpid(), SIGKILL) == -EPERM, "signals withheld: kill EPERM");
	v.groups = CORDON_SYS_ALL;
}

/* ---- io: paths */

static void test_paths(void)
{
	long fd, rc;

	fd = open_rd("file");
	check(fd == 0, "first open is domain fd 0 (%ld)", fd);
	rc = VS(SYS_read, fd, R(O_BUF), 16);
	check(rc == 5 && !memcmp(region + O_BUF, "hello", 5), "read the file (%ld)", rc);
	check(VS(SYS_close, fd) == 0, "close");
	fd = open_rd("/file");
	check(fd == 0 && VS(SYS_read, fd, R(O_BUF), 16) == 5,
	      "\"/file\" is the data dir's file (fd %ld)", fd);
	VS(SYS_close, fd);
	fd = VS(SYS_open, put(O_PATH1, "//inner"), O_RDONLY);
	check(fd == 0 && VS(SYS_read, fd, R(O_BUF), 16) == 5,
	      "open(\"//inner\"): a symlink inside works (fd %ld)", fd);
	VS(SYS_close, fd);
	check(open_rd("../file") == -EXDEV, "\"../file\": EXDEV");
	check(open_rd(strrchr(outside, '/')) == -ENOENT, "\"/<outside name>\": ENOENT");
	check(open_rd("/etc/passwd") == -ENOENT, "\"/etc/passwd\": ENOENT (beneath the data dir)");
	check(open_rd("/proc/self/mem") == -ENOENT, "\"/proc/self/mem\": ENOENT");
	check(open_rd("escape") == -EXDEV, "absolute symlink out: EXDEV");
	check(open_rd("escape-rel") == -EXDEV, "relative symlink out: EXDEV");
	rc = VS(SYS_openat, AT_FDCWD, put(O_PATH1, "dangling"), O_CREAT | O_WRONLY, 0600);
	check(rc == -EXDEV && access(outside_new, F_OK) != 0,
	      "O_CREAT through a symlink out: EXDEV, nothing created (%ld)", rc);
	/* truncate by path: beneath the data dir, as open + ftruncate */
	fd = VS(SYS_openat, AT_FDCWD, put(O_PATH1, "trunc"), O_CREAT | O_WRONLY, 0600);
	memcpy(region + O_BUF, "hello", 5);
	check(fd == 0 && VS(SYS_write, fd, R(O_BUF), 5) == 5 && VS(SYS_close, fd) == 0,
	      "a file to truncate (fd %ld)", fd);
	rc = VS(SYS_truncate, put(O_PATH1, "/trunc"), 2);
	fd = open_rd("trunc");
	check(rc == 0 && VS(SYS_read, fd, R(O_BUF), 16) == 2,
	      "truncate(\"/trunc\", 2): 2 bytes left (%ld)", rc);
	VS(SYS_close, fd);
	check(VS(SYS_unlink, put(O_PATH1, "trunc")) == 0, "unlink it");
	rc = VS(SYS_truncate, put(O_PATH1, "escape"), 0);
	check(rc == -EXDEV, "truncate through an absolute symlink out: EXDEV (%ld)", rc);
	rc = VS(SYS_truncate, put(O_PATH1, "../file"), 0);
	check(rc == -EXDEV, "truncate(\"../file\"): EXDEV (%ld)", rc);
	rc = VS(SYS_openat, AT_FDCWD, put(O_PATH1, "file"), O_PATH);
	check(rc == -EPERM, "O_PATH: EPERM (%ld)", rc);
	rc = VS(SYS_openat, AT_FDCWD, put(O_PATH1, "file"), 0x40000000);
	check(rc == -EINVAL, "unknown open flag: EINVAL (%ld)", rc);
	check(domain_fds() == 0 && count_fds() > 0, "no domain fd left by the refusals");
}

static void test_path_pointers(void)
{
	long rc;

	check(VS(SYS_openat, AT_FDCWD, (long)"file", O_RDONLY) == -EFAULT,
	      "path in test memory: EFAULT");
	check(VS(SYS_open, 0, O_RDONLY) == -EFAULT, "NULL path: EFAULT");
	memset(region + O_LONG, 'a', VSYS_MAX_FDS * 100);
	region[O_LONG + 5000] = 0;
	check(VS(SYS_open, R(O_LONG), O_RDONLY) == -ENAMETOOLONG, "5000-byte path: ENAMETOOLONG");
	/* a path running into a free (PROT_NONE) pool page */
	memset(region + (RPAGES - POOL_PAGES) * PAGE - 3, 'b', 3);
	rc = VS(SYS_open, (long)pool - 3, O_RDONLY);
	check(rc == -EFAULT, "path running into an inaccessible page: EFAULT (%ld)", rc);
	rc = VS(SYS_open, (long)pool, O_RDONLY);
	check(rc == -EFAULT, "path in an inaccessible pool page: EFAULT (%ld)", rc);
	/* unterminated at the region's end */
	rc = VS(SYS_mmap, (long)region + RSIZE - PAGE, PAGE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (check(rc == (long)region + RSIZE - PAGE, "last pool page mapped")) {
		memset(region + RSIZE - PAGE, 'c', PAGE);
		rc = VS(SYS_open, (long)region + RSIZE - 3, O_RDONLY);
		check(rc == -EFAULT, "path unterminated at the region's end: EFAULT (%ld)", rc);
		VS(SYS_munmap, (long)region + RSIZE - PAGE, PAGE);
	}
	v.data_dir_fd = -v.data_dir_fd - 2; /* hide it */
	check(open_rd("file") == -EACCES, "no data dir: EACCES");
	check(VS(SYS_mkdir, put(O_PATH1, "d"), 0700) == -EACCES, "no data dir: mkdir EACCES");
	v.data_dir_fd = -v.data_dir_fd - 2;
}

static void test_stat(void)
{
	struct stat *st = (struct stat *)(region + O_STAT);
	long rc;

	rc = VS(SYS_newfstatat, AT_FDCWD, put(O_PATH1, "/file"), R(O_STAT), 0);
	check(rc == 0 && st->st_size == 5, "newfstatat(\"/file\"): size %ld", (long)st->st_size);
	rc = VS(SYS_stat, put(O_PATH1, "escape"), R(O_STAT));
	check(rc == -EXDEV, "stat through a symlink out: EXDEV (%ld)", rc);
	rc = VS(SYS_lstat, put(O_PATH1, "escape"), R(O_STAT));
	check(rc == 0 && S_ISLNK(st->st_mode), "lstat of it: the link itself (%ld)", rc);
	rc = VS(SYS_statx, AT_FDCWD, put(O_PATH1, "inner"), 0, STATX_SIZE, R(O_STAT));
	check(rc == 0 && ((struct statx *)st)->stx_size == 5, "statx(\"inner\"): size 5 (%ld)", rc);
	rc = VS(SYS_newfstatat, AT_FDCWD, put(O_PATH1, "file"), (long)&rc, 0);
	check(rc == -EFAULT, "newfstatat into test memory: EFAULT");
	rc = VS(SYS_newfstatat, AT_FDCWD, put(O_PATH1, "file"), (long)region + RSIZE - 64, 0);
	check(rc == -EFAULT, "newfstatat straddling the region's end: EFAULT");
	check(VS(SYS_access, put(O_PATH1, "file"), R_OK) == 0, "access(\"file\", R_OK)");
	check(VS(SYS_access, put(O_PATH1, "escape"), F_OK) == -EXDEV, "access through a symlink out: EXDEV");
	rc = VS(SYS_getcwd, R(O_BUF), 64);
	check(rc == 2 && !strcmp(region + O_BUF, "/"), "getcwd: \"/\" (%ld)", rc);
}

static void test_dir_ops(void)
{
	long rc, fd;

	check(VS(SYS_mkdirat, AT_FDCWD, put(O_PATH1, "/sub/"), 0700) == 0, "mkdirat(\"/sub/\")");
	fd = VS(SYS_openat, AT_FDCWD, put(O_PATH1, "sub/x"), O_CREAT | O_WRONLY, 0600);
	check(fd >= 0 && VS(SYS_close, fd) == 0, "create sub/x (%ld)", fd);
	fd = VS(SYS_openat, AT_FDCWD, put(O_PATH1, "sub"), O_RDONLY | O_DIRECTORY);
	rc = VS(SYS_openat, fd, put(O_PATH1, "x"), O_RDONLY);
	check(fd >= 0 && rc >= 0, "openat(dir fd, \"x\") (%ld, %ld)", fd, rc);
	VS(SYS_close, rc);
	check(VS(SYS_openat, fd, put(O_PATH1, "../file"), O_RDONLY) == -EXDEV,
	      "openat(dir fd, \"../file\"): EXDEV");
	rc = VS(SYS_renameat2, fd, put(O_PATH1, "x"), AT_FDCWD, put(O_PATH2, "/y"), 0);
	check(rc == 0 && access(path_of(dir, "y"), F_OK) == 0, "renameat2 sub/x -> /y (%ld)", rc);
	VS(SYS_close, fd);
	rc = VS(SYS_rename, put(O_PATH1, "y"), put(O_PATH2, "../y"));
	check(rc == -EXDEV && access(path_of(dir, "y"), F_OK) == 0, "rename to \"../y\": EXDEV (%ld)", rc);
	rc = VS(SYS_unlinkat, AT_FDCWD, put(O_PATH1, "escape-rel/.."), 0);
	check(rc == -EINVAL, "unlinkat(\"escape-rel/..\"): EINVAL (%ld)", rc);
	rc = VS(SYS_unlink, put(O_PATH1, "../" ));
	check(rc == -EINVAL && access(outside, F_OK) == 0, "unlink(\"../\"): EINVAL (%ld)", rc);
	rc = VS(SYS_unlink, put(O_PATH1, "escape-rel"));
	check(rc == 0 && access(outside, F_OK) == 0,
	      "unlink of a symlink out removes the link, not its target (%ld)", rc);
	if (symlink(rel_outside(), path_of(dir, "escape-rel")))
		check(0, "symlink again");
	rc = VS(SYS_unlink, put(O_PATH1, "escape-rel/x"));
	check(rc == -EXDEV, "unlink beneath a symlink out: EXDEV (%ld)", rc);
	check(VS(SYS_unlinkat, AT_FDCWD, put(O_PATH1, "y"), 0) == 0 &&
	      VS(SYS_unlinkat, AT_FDCWD, put(O_PATH1, "sub"), AT_REMOVEDIR) == 0 &&
	      access(path_of(dir, "sub"), F_OK) != 0, "unlinkat y, rmdir sub");
	check(VS(SYS_rmdir, put(O_PATH1, "/")) == -EBUSY, "rmdir(\"/\"): EBUSY");
	check(domain_fds() == 0, "no domain fd left");
}

/* ---- io: fds */

static void test_fd_io(void)
{
	struct iovec *iov = (struct iovec *)(region + O_IOV);
	long fd, rc;
	char stackbuf[16];

	check(VS(SYS_write, 1, put(O_BUF, "x"), 1) == -EBADF, "fd 1 is not open: EBADF");
	fd = VS(SYS_openat, AT_FDCWD, put(O_PATH1, "new"), O_CREAT | O_RDWR | O_TRUNC, 0600);
	check(fd == 0, "create \"new\": fd 0 (%ld)", fd);
	check(VS(SYS_write, fd, put(O_BUF, "abcdef"), 6) == 6, "write 6");
	check(VS(SYS_lseek, fd, 0, SEEK_SET) == 0, "lseek 0");
	memset(region + O_BUF, 0, 16);
	check(VS(SYS_read, fd, R(O_BUF), 16) == 6 && !strcmp(region + O_BUF, "abcdef"), "read back");
	check(VS(SYS_pread64, fd, R(O_BUF), 2, 4) == 2 && !memcmp(region + O_BUF, "ef", 2), "pread64");
	check(VS(SYS_fstat, fd, R(O_STAT)) == 0 && ((struct stat *)(region + O_STAT))->st_size == 6, "fstat");
	check(VS(SYS_fstat, fd, (long)stackbuf) == -EFAULT, "fstat into the test's stack: EFAULT");
	VS(SYS_lseek, fd, 0, SEEK_SET);
	rc = VS(SYS_read, fd, (long)stackbuf, sizeof(stackbuf));
	check(rc == -EFAULT && VS(SYS_lseek, fd, 0, SEEK_CUR) == 0,
	      "read into the test's stack: EFAULT, nothing read (%ld)", rc);
	rc = VS(SYS_read, fd, (long)region + RSIZE - 8, 16);
	check(rc == -EFAULT, "buffer straddling the region's end: EFAULT (%ld)", rc);
	rc = VS(SYS_write, fd, R(16), -32L);
	check(rc == -EFAULT, "ptr + huge len: EFAULT (%ld)", rc);
	rc = VS(SYS_read, fd, (long)pool, 4);
	check(rc == -EFAULT, "read into a free (PROT_NONE) pool page: EFAULT from the kernel (%ld)", rc);
	iov[0] = (struct iovec){ region + O_BUF, 2 };
	iov[1] = (struct iovec){ region + O_BUF + 8, 3 };
	rc = VS(SYS_pwritev, fd, R(O_IOV), 2, 0);
	check(rc == 5, "pwritev of two iovecs (%ld)", rc);
	iov[1].iov_base = stackbuf;
	check(VS(SYS_writev, fd, R(O_IOV), 2) == -EFAULT, "an iovec into the test's stack: EFAULT");
	check(VS(SYS_readv, fd, (long)iov - RSIZE, 1) == -EFAULT, "iovecs outside the region: EFAULT");
	check(VS(SYS_readv, fd, R(O_IOV), 5000) == -EINVAL, "5000 iovecs: EINVAL");
	check(VS(SYS_ftruncate, fd, 2) == 0 && VS(SYS_fsync, fd) == 0, "ftruncate, fsync");
	check(VS(SYS_ioctl, fd, 0x5401, 0) == -ENOTTY, "ioctl: ENOTTY");
	check(VS(SYS_ioctl, 9, 0x5401, 0) == -EBADF, "ioctl of a closed fd: EBADF");
	check(VS(SYS_close, fd) == 0 && VS(SYS_close, fd) == -EBADF, "close, close again: EBADF");
	check(VS(SYS_close, 63) == -EBADF && VS(SYS_close, 64) == -EBADF &&
	      VS(SYS_close, -1) == -EBADF && VS(SYS_read, 1000, R(O_BUF), 1) == -EBADF,
	      "unknown fds: EBADF");
}

static void test_fd_table(void)
{
	long fd, rc, fds[VSYS_MAX_FDS];
	int i, ok = 1, before = count_fds();

	for (i = 0; i < VSYS_MAX_FDS; i++)
		ok &= (fds[i] = open_rd("file")) == i;
	check(ok, "%d opens get fds 0..%d", VSYS_MAX_FDS, VSYS_MAX_FDS - 1);
	check(open_rd("file") == -EMFILE && VS(SYS_dup, 0) == -EMFILE, "table full: EMFILE");
	check(count_fds() == before + VSYS_MAX_FDS, "one real fd each");
	for (i = 0; i < VSYS_MAX_FDS; i++)
		VS(SYS_close, fds[i]);
	check(count_fds() == before && domain_fds() == 0, "all closed");

	fd = open_rd("file");
	check(VS(SYS_dup2, fd, 10) == 10 && VS(SYS_read, 10, R(O_BUF), 5) == 5,
	      "dup2(0, 10), read through 10");
	check(VS(SYS_dup, fd) == 1, "dup: lowest free (1)");
	rc = open_rd("file"); /* 2 */
	check(VS(SYS_dup2, rc, 10) == 10 && VS(SYS_pread64, 10, R(O_BUF), 5, 0) == 5,
	      "dup2 onto an open fd replaces it");
	check(VS(SYS_dup3, 10, 10, 0) == -EINVAL && VS(SYS_dup2, 10, 10) == 10 &&
	      VS(SYS_dup2, 11, 11) == -EBADF && VS(SYS_dup2, 0, 64) == -EBADF,
	      "dup2/dup3 edge cases");
	check(VS(SYS_fcntl, fd, F_DUPFD, 20) == 20 && VS(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 20) == 21 &&
	      VS(SYS_fcntl, 21, F_GETFD) == FD_CLOEXEC && VS(SYS_fcntl, 20, F_GETFD) == 0,
	      "F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD");
	check(VS(SYS_fcntl, 20, F_SETFD, FD_CLOEXEC) == 0 && VS(SYS_fcntl, 20, F_GETFD) == FD_CLOEXEC,
	      "F_SETFD");
	check(VS(SYS_fcntl, fd, F_DUPFD, 64) == -EINVAL, "F_DUPFD beyond the table: EINVAL");
	rc = VS(SYS_fcntl, fd, F_SETFL, O_NONBLOCK | O_RDWR);
	check(rc == 0 && (VS(SYS_fcntl, fd, F_GETFL) & (O_NONBLOCK | O_ACCMODE)) == (O_NONBLOCK | O_RDONLY),
	      "F_SETFL sets O_NONBLOCK only");
	check(VS(SYS_fcntl, fd, F_SETLK, R(O_BUF)) == -EPERM && VS(SYS_fcntl, fd, F_SETOWN, 1) == -EPERM,
	      "other fcntl commands: EPERM");
	rc = VS(SYS_getdents64, VS(SYS_open, put(O_PATH1, "/"), O_RDONLY | O_DIRECTORY), R(O_BUF), 4096);
	check(rc > 0, "getdents64 of \"/\" (%ld)", rc);
	for (i = 0; i < VSYS_MAX_FDS; i++)
		VS(SYS_close, i);
	check(count_fds() == before && domain_fds() == 0, "all closed again");
}

/* ---- concurrency and release */

static void *opener(void *arg)
{
	long a[6] = { 0 }, fd;
	enum vsys_outcome o;
	int i, bad = 0;

	for (i = 0; i < 2000; i++) {
		a[0] = AT_FDCWD;
		a[1] = R(O_PATH2);
		a[2] = O_RDONLY;
		fd = vsys_dispatch(&v, SYS_openat, a, &o, NULL, 0);
		if (fd < 0) {
			bad++;
			continue;
		}
		a[0] = fd;
		a[1] = R(O_BUF + 64 * (long)(intptr_t)arg);
		a[2] = 5;
		bad += vsys_dispatch(&v, SYS_read, a, &o, NULL, 0) != 5;
		bad += vsys_dispatch(&v, SYS_close, a, &o, NULL, 0) != 0;
	}
	return (void *)(intptr_t)bad;
}

static void test_threads(void)
{
	pthread_t t[4];
	void *r;
	int i, bad = 0, before = count_fds();

	put(O_PATH2, "file");
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, opener, (void *)(intptr_t)i);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		bad += (int)(intptr_t)r;
	}
	check(!bad && domain_fds() == 0 && count_fds() == before && !v.lock,
	      "4 threads x 2000 open/read/close: %d failures, %d domain fds, %d real fds left",
	      bad, domain_fds(), count_fds() - before);
}

/* close while another lane's call still uses the fd: the real fd stays
 * open (its number cannot be reused under the call) until that call ends */
static void test_close_in_flight(void)
{
	int before = count_fds();
	long fd = open_rd("file"), real;

	real = vsys_fd_get(&v, fd);
	check(fd == 0 && real >= 0, "a call holds domain fd 0");
	check(VS(SYS_close, fd) == 0 && count_fds() == before + 1 && fcntl((int)real, F_GETFD) >= 0,
	      "close: 0, the real fd stays open under the call");
	check(VS(SYS_read, fd, R(O_BUF), 1) == -EBADF && VS(SYS_close, fd) == -EBADF,
	      "the domain sees fd 0 closed");
	check(open_rd("file") == 1 && VS(SYS_dup2, 1, 0) == -EBUSY,
	      "its slot is not reused: open gets 1, dup2 onto 0 EBUSY");
	vsys_fd_put(&v, fd);
	check(count_fds() == before + 1 && v.fds[0] == VSYS_FD_FREE, "the call ends: real fd closed");
	check(open_rd("file") == 0, "slot 0 free again");
	VS(SYS_close, 0);
	VS(SYS_close, 1);
	check(count_fds() == before, "all closed");
}

static void *mapper(void *arg)
{
	long a[6] = { 0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0 };
	enum vsys_outcome o;
	int i, bad = 0;
	long p;

	for (i = 0; i < 2000; i++) {
		a[0] = 0;
		p = vsys_dispatch(&v, SYS_mmap, a, &o, NULL, 0);
		if (p < 0) {
			bad++;
			continue;
		}
		bad += *(long *)p != 0; /* zeroed, and no other thread's */
		*(long *)p = (long)(intptr_t)arg + 1;
		sched_yield();
		bad += *(long *)p != (long)(intptr_t)arg + 1;
		a[0] = p;
		bad += vsys_dispatch(&v, SYS_munmap, a, &o, NULL, 0) != 0;
	}
	return (void *)(intptr_t)bad;
}

static void test_map_threads(void)
{
	pthread_t t[4];
	void *r;
	int i, bad = 0;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, mapper, (void *)(intptr_t)i);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		bad += (int)(intptr_t)r;
	}
	check(!bad && !bits[0] && !v.lock, "4 threads x 2000 mmap/write/munmap: %d failures, pool empty", bad);
}

static void test_release(void)
{
	int i, before = count_fds();

	for (i = 0; i < 5; i++)
		open_rd("file");
	check(count_fds() == before + 5, "5 fds open");
	vsys_release(&v);
	check(count_fds() == before && domain_fds() == 0, "vsys_release closes every real fd");
	check(open_rd("file") == 0, "fds start at 0 again");
	VS(SYS_close, 0);
}

/* ---- memory */

static long map(long addr, long len, long prot, long flags)
{
	return VS(SYS_mmap, addr, len, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void test_memory(void)
{
	long a, b, rc;
	char *p;

	check(!strcmp(perms_of(pool), "---p"), "a free pool page is PROT_NONE (%s)", perms_of(pool));
	a = map(0, PAGE, PROT_READ | PROT_WRITE, 0);
	p = (char *)a;
	check(a == (long)pool, "mmap 1 page: the pool's first page (%lx)", (unsigned long)a);
	if (a != (long)pool)
		return;
	p[0] = 42;
	check(p[0] == 42 && !strcmp(perms_of(p), "rw-p"), "writable");
	check(VS(SYS_munmap, a, PAGE) == 0 && !strcmp(perms_of(p), "---p"), "munmap: PROT_NONE again");
	b = map(0, PAGE, PROT_READ | PROT_WRITE, 0);
	check(b == a && p[0] == 0, "mmap again: same page, zeroed");
	check(map(0, PAGE, PROT_READ | PROT_EXEC, 0) == -EPERM, "PROT_EXEC: EPERM");
	check(VS(SYS_mmap, 0, PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0) == -EPERM,
	      "MAP_SHARED: EPERM");
	check(VS(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, 0, 0) == -EPERM, "a file mapping: EPERM");
	check(map(0, 16L << 30, PROT_READ, 0) == -ENOMEM, "16 GiB: ENOMEM");
	check(map(0, 0, PROT_READ, 0) == -EINVAL, "length 0: EINVAL");
	check(map((long)region, PAGE, PROT_READ, MAP_FIXED) == -EPERM &&
	      map((long)&v & -PAGE, PAGE, PROT_READ, MAP_FIXED) == -EPERM,
	      "MAP_FIXED outside the pool: EPERM");
	check(map(a, PAGE, PROT_READ, MAP_FIXED_NOREPLACE) == -EEXIST, "MAP_FIXED_NOREPLACE over a mapping: EEXIST");
	p[0] = 7;
	rc = map(a, PAGE, PROT_READ | PROT_WRITE, MAP_FIXED);
	check(rc == a && p[0] == 0, "MAP_FIXED over its own page: replaced, zeroed");
	check(VS(SYS_munmap, (long)region, PAGE) == -EPERM && VS(SYS_munmap, (long)&v & -PAGE, PAGE) == -EPERM &&
	      !strcmp(perms_of(&v), "rw-p"), "munmap outside the pool: EPERM");
	check(VS(SYS_munmap, a + 1, PAGE) == -EINVAL, "munmap unaligned: EINVAL");
	check(VS(SYS_mprotect, (long)&v & -PAGE, PAGE, PROT_READ) == -EPERM &&
	      !strcmp(perms_of(&v), "rw-p"), "mprotect of a test page: EPERM");
	check(VS(SYS_mprotect, a, PAGE, PROT_READ | PROT_EXEC) == -EPERM, "mprotect PROT_EXEC: EPERM");
	check(VS(SYS_mprotect, a, PAGE, PROT_READ) == 0 && !strcmp(perms_of(p), "r--p"), "mprotect to read-only");
	check(VS(SYS_mprotect, a + PAGE, PAGE, PROT_READ) == -ENOMEM, "mprotect of an unmapped pool page: ENOMEM");
	VS(SYS_mprotect, a, PAGE, PROT_READ | PROT_WRITE);
	p[0] = 9;
	check(VS(SYS_madvise, a, PAGE, MADV_DONTNEED) == 0 && p[0] == 0, "madvise DONTNEED zeroes");
	check(VS(SYS_madvise, (long)region, PAGE, MADV_DONTNEED) == -EPERM, "madvise outside the pool: EPERM");
	check(VS(SYS_madvise, a, PAGE, MADV_HUGEPAGE) == -EINVAL, "other advice: EINVAL");
	check(VS(SYS_mremap, a, PAGE, 2 * PAGE, 1) == -ENOMEM && VS(SYS_brk, 0) == 0, "mremap ENOMEM, brk 0");
	check(VS(SYS_mremap, (long)((uintptr_t)&outcome & ~(uintptr_t)(PAGE - 1)), PAGE, 2 * PAGE, 1) == -EPERM,
	      "mremap of the host's memory: EPERM");
	VS(SYS_munmap, a, PAGE);
	a = map(0, POOL_PAGES * PAGE, PROT_READ | PROT_WRITE, 0);
	check(a == (long)pool, "the whole pool at once");
	check(map(0, PAGE, PROT_READ, 0) == -ENOMEM, "pool exhausted: ENOMEM");
	check(VS(SYS_munmap, a + PAGE, 3 * PAGE) == 0 && map(0, 4 * PAGE, PROT_READ, 0) == -ENOMEM &&
	      map(0, 3 * PAGE, PROT_READ, 0) == a + PAGE, "first fit into a hole");
	check(VS(SYS_munmap, a, POOL_PAGES * PAGE) == 0 && !bits[0], "all released");
}

/* ---- time, random */

static void test_time_random(void)
{
	struct timespec *ts = (struct timespec *)(region + O_BUF);
	struct timespec local;
	long rc;
	int i, nonzero = 0;

	check(VS(SYS_clock_gettime, CLOCK_MONOTONIC, R(O_BUF)) == 0 && ts->tv_sec + ts->tv_nsec > 0,
	      "clock_gettime(MONOTONIC)");
	check(VS(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, R(O_BUF)) == 0, "clock_gettime(THREAD_CPUTIME)");
	check(VS(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&local) == -EFAULT, "clock_gettime into the stack: EFAULT");
	check(VS(SYS_clock_gettime, -6, R(O_BUF)) == -EINVAL && VS(SYS_clock_gettime, 10, R(O_BUF)) == -EINVAL,
	      "another process's CPU clock, clock 10: EINVAL");
	check(VS(SYS_clock_getres, CLOCK_REALTIME, 0) == 0, "clock_getres(NULL)");
	ts->tv_sec = 0;
	ts->tv_nsec = 1000000;
	check(VS(SYS_nanosleep, R(O_BUF), 0) == 0, "nanosleep 1 ms");
	check(VS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, R(O_BUF), (long)&local) == -EFAULT,
	      "clock_nanosleep with rem in the stack: EFAULT");
	check(VS(SYS_gettimeofday, R(O_BUF), 0) == 0 && VS(SYS_gettimeofday, 0, (long)&local) == -EFAULT,
	      "gettimeofday");
	rc = VS(SYS_time, R(O_BUF));
	check(rc >= time(NULL) - 1 && *(long *)(region + O_BUF) == rc, "time (%ld)", rc);
	memset(region + O_BUF, 0, 64);
	rc = VS(SYS_getrandom, R(O_BUF), 64, 0);
	for (i = 0; i < 64; i++)
		nonzero += region[O_BUF + i] != 0;
	check(rc == 64 && nonzero > 32, "getrandom 64 bytes (%d non-zero)", nonzero);
	check(VS(SYS_getrandom, R(O_BUF), 8, 0x100) == -EINVAL, "getrandom bad flags: EINVAL");
	check(VS(SYS_getrandom, (long)&local, 8, 0) == -EFAULT &&
	      VS(SYS_getrandom, R(O_BUF), RSIZE, 0) == -EFAULT, "getrandom out of the region: EFAULT");
}

/* ---- signals, exit, futex */

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static void test_signals(void)
{
	struct sigaction sa = { 0 }, old, now;
	sigset_t before, after;
	long rc;

	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, &old);
	rc = VS(SYS_tkill, 12345, SIGABRT);
	check(outcome == VSYS_END_CALL && contains(why, "SIGABRT"), "tkill(12345, SIGABRT): ends the call (%s)", why);
	VS(SYS_tgkill, 0, 0, SIGSEGV);
	check(outcome == VSYS_END_CALL && !strcmp(why, "raise(SIGSEGV)"), "tgkill SIGSEGV: %s", why);
	VS(SYS_kill, VSYS_PID, SIGUSR1);
	check(outcome == VSYS_END_CALL && usr1 == 0, "kill(its own pid, SIGUSR1): ends, nothing delivered (%s)", why);
	rc = VS(SYS_kill, getpid(), SIGUSR1);
	check(rc == -EPERM && outcome == VSYS_RETURN && usr1 == 0,
	      "kill(the real pid, SIGUSR1): EPERM, nothing delivered (%ld)", rc);
	rc = VS(SYS_kill, 0, SIGKILL);
	check(rc == -EPERM && outcome == VSYS_RETURN, "kill(0, SIGKILL) (its group): EPERM (%ld)", rc);
	rc = VS(SYS_kill, -1, SIGKILL);
	check(rc == -EPERM && outcome == VSYS_RETURN, "kill(-1, SIGKILL) (everyone): EPERM (%ld)", rc);
	VS(SYS_tkill, 1, 40);
	check(outcome == VSYS_END_CALL && contains(why, "40"), "tkill(signal 40): %s", why);
	check(VS(SYS_tkill, 1, 0) == 0 && outcome == VSYS_RETURN, "signal 0: 0");
	check(VS(SYS_kill, 1, SIGCHLD) == 0 && VS(SYS_kill, 1, SIGSTOP) == 0 && outcome == VSYS_RETURN,
	      "SIGCHLD, SIGSTOP: 0, nothing done");
	check(VS(SYS_tkill, 1, 65) == -EINVAL && VS(SYS_tkill, 1, -1) == -EINVAL, "bad signal: EINVAL");
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	pthread_sigmask(SIG_SETMASK, NULL, &before);
	*(uint64_t *)(region + O_BUF) = ~0ULL;
	*(uint64_t *)(region + O_BUF + 8) = ~0ULL;
	rc = VS(SYS_rt_sigprocmask, SIG_BLOCK, R(O_BUF), R(O_BUF + 8), 8);
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	check(rc == 0 && *(uint64_t *)(region + O_BUF + 8) == 0 && !memcmp(&before, &after, sizeof(before)),
	      "rt_sigprocmask: pretends, old mask empty, real mask unchanged (%ld, %llx, %d)",
	      rc, (unsigned long long)*(uint64_t *)(region + O_BUF + 8), memcmp(&before, &after, sizeof(before)));
	check(VS(SYS_rt_sigprocmask, SIG_BLOCK, (long)&before, 0, 8) == -EFAULT &&
	      VS(SYS_rt_sigprocmask, SIG_BLOCK, R(O_BUF), 0, 16) == -EINVAL, "rt_sigprocmask checks");
	memset(region + O_BUF, 0, 64);
	check(VS(SYS_rt_sigaction, SIGABRT, R(O_BUF), 0, 8) == 0, "rt_sigaction(SIGABRT, SIG_DFL)");
	*(long *)(region + O_BUF) = (long)on_usr1;
	rc = VS(SYS_rt_sigaction, SIGUSR1, R(O_BUF), R(O_BUF + 64), 8);
	sigaction(SIGUSR1, NULL, &now);
	check(rc == -EPERM && now.sa_handler == on_usr1, "rt_sigaction with a handler: EPERM, real action unchanged");
	sigaction(SIGUSR1, &old, NULL);
}

static void test_always(void)
{
	uint32_t *word = (uint32_t *)(region + O_BUF);
	struct timespec *ts = (struct timespec *)(region + O_BUF + 16);
	uint32_t local = 0;
	long rc;

	check(VS(SYS_getpid, 0) == VSYS_PID && VS(SYS_gettid, 0) == VSYS_PID &&
	      VS(SYS_getppid, 0) == 0, "getpid, gettid: %d, getppid 0", VSYS_PID);
	check(VS(SYS_sched_yield, 0) == 0, "sched_yield");
	VS(SYS_exit_group, 3);
	check(outcome == VSYS_END_CALL && !strcmp(why, "exit(3)"), "exit_group(3): %s", why);
	VS(SYS_exit, 0x105);
	check(outcome == VSYS_END_CALL && !strcmp(why, "exit(5)"), "exit(0x105): %s", why);
	*word = 1;
	check(VS(SYS_futex, R(O_BUF), FUTEX_WAKE_PRIVATE, 1) == 0, "futex wake on the region");
	check(VS(SYS_futex, R(O_BUF), FUTEX_WAIT_PRIVATE, 0, 0) == -EAGAIN, "futex wait, value differs: EAGAIN");
	ts->tv_sec = 0;
	ts->tv_nsec = 1000000;
	rc = VS(SYS_futex, R(O_BUF), FUTEX_WAIT_PRIVATE, 1, R(O_BUF + 16));
	check(rc == -ETIMEDOUT, "futex wait 1 ms: ETIMEDOUT (%ld)", rc);
	check(VS(SYS_futex, R(O_BUF), FUTEX_WAIT, 1, (long)&local) == -EFAULT, "futex timeout in the stack: EFAULT");
	check(VS(SYS_futex, (long)&local, FUTEX_WAKE, 1) == -EFAULT, "futex on a stack address: EFAULT");
	check(VS(SYS_futex, R(O_BUF), FUTEX_LOCK_PI, 0) == -EPERM, "FUTEX_LOCK_PI: EPERM");
	check(VS(SYS_futex, R(O_BUF), FUTEX_CMP_REQUEUE, 1, 1, (long)&local, 1) == -EFAULT,
	      "requeue onto a stack address: EFAULT");
}

void test_vsys(void)
{
	suite("mpk: vsys");
	if (setup())
		return;
	test_forbidden();
	test_groups();
	test_paths();
	test_path_pointers();
	test_stat();
	test_dir_ops();
	test_fd_io();
	test_fd_table();
	test_threads();
	test_close_in_flight();
	test_release();
	test_memory();
	test_map_threads();
	test_time_random();
	test_signals();
	test_always();
	teardown();
	check(vsys_init(&v, (uintptr_t)region, RSIZE, (uintptr_t)region + 1, 1, bits, -1, 0, -1) == -EINVAL &&
	      vsys_init(&v, (uintptr_t)region, RSIZE, (uintptr_t)region + RSIZE, 1, bits, -1, 0, -1) == -EINVAL,
	      "vsys_init refuses a pool not inside the region");
}
