/*
 * kctx_test: selftests of the kernel contexts patch series
 * (kernel/patches, CONFIG_KERNEL_CONTEXTS). Run in the test VM as root by
 * kernel/tests/run-kctx. Each check prints "ok" or "FAIL"; the last line is
 * "kctx-tests: N passed, M failed, 0 skipped" and the exit status is 0 iff
 * M == 0.
 *
 * A thread selects its context by writing an id into its switch page; the
 * switch happens at its next syscall (sw() below uses getppid for that).
 * While a thread is in a context whose file table lacks fd 1, it must not
 * print: every check is reported from the root context.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kctx.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* uc_flags bit of arch/x86/include/uapi/asm/ucontext.h (patch 0007) */
#ifndef UC_KCTX
#define UC_KCTX 0x8
#endif

static int passed, failed;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	ok ? passed++ : failed++;
}

/* prctl(PR_KCTX, ...) with the raw values; returns -errno on failure */
static long kctl(unsigned long op, unsigned long a3, unsigned long a4, unsigned long a5)
{
	long r = syscall(SYS_prctl, PR_KCTX, op, a3, a4, a5);

	return r < 0 ? -errno : r;
}

/* This thread's switch page */
static __thread volatile struct kctx_switch_page *page;

static int reg(void)
{
	void *p = mmap(NULL, KCTX_SWITCH_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	page = p;
	return (int)kctl(PR_KCTX_REGISTER, (unsigned long)p, 0, 0);
}

/* Asks for context id and makes a syscall so that the switch happens */
static long sw(unsigned int id)
{
	page->want = id;
	return syscall(SYS_getppid) < 0 ? -errno : 0;
}

static int fd_ok(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static long meminfo_kb(const char *name)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t n = strlen(name);
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, n) == 0 && line[n] == ':' && sscanf(line + n + 1, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long slab_kb(void)
{
	return meminfo_kb("Slab");
}

/*
 * Slab once the kernel's deferred frees (RCU, the netns cleanup work) have run:
 * polled until within 1 MB of before, for 30 s at most.  Under a loaded TCG
 * guest a fixed sleep was not enough; a real leak never comes back.
 */
static long slab_settled_kb(long before)
{
	long kb = slab_kb();
	int i;

	for (i = 0; i < 120 && kb - before >= 1024; i++) {
		usleep(250000);
		kb = slab_kb();
	}
	return kb;
}

/* Runs fn in a child process; returns its wait status (or -1 on timeout) */
static int in_child(int (*fn)(void), int timeout_s)
{
	pid_t pid = fork();
	int status, i;

	if (pid == 0)
		_exit(fn());
	if (pid < 0)
		return -1;
	for (i = 0; i < timeout_s * 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* --- 1. bad input to every entry point ------------------------------------ */
static void test_validation(void)
{
	void *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *priv = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(gone, 4096);
	check(kctl(0, 0, 0, 0) == -EINVAL, "unknown op 0: EINVAL");
	check(kctl(99, 0, 0, 0) == -EINVAL, "unknown op 99: EINVAL");
	check(kctl(PR_KCTX_CREATE, 0, 0, 0) == -EINVAL, "create without a file-table mode: EINVAL");
	check(kctl(PR_KCTX_CREATE, 4, 0, 0) == -EINVAL, "create with unknown flag 4: EINVAL");
	check(kctl(PR_KCTX_CREATE, KCTX_FILES_COPY | 0x80, 0, 0) == -EINVAL,
	      "create with unknown flag 0x80: EINVAL");
	check(kctl(PR_KCTX_CREATE, KCTX_NEWUTS, 0, 0) == -EINVAL,
	      "create with a namespace but no file-table mode: EINVAL");
	check(kctl(PR_KCTX_CREATE, ~0UL, 0, 0) == -EINVAL, "create with all flags: EINVAL");
	check(kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 1, 0) == -EINVAL, "create with arg4 != 0: EINVAL");
	check(kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 1) == -EINVAL, "create with arg5 != 0: EINVAL");
	check(kctl(PR_KCTX_DESTROY, 0, 0, 0) == -EINVAL, "destroy the root context: EINVAL");
	check(kctl(PR_KCTX_DESTROY, KCTX_MAX, 0, 0) == -EINVAL, "destroy id KCTX_MAX: EINVAL");
	check(kctl(PR_KCTX_DESTROY, ~0UL, 0, 0) == -EINVAL, "destroy id ~0: EINVAL");
	check(kctl(PR_KCTX_DESTROY, 5, 0, 0) == -ENOENT, "destroy an id never created: ENOENT");
	check(kctl(PR_KCTX_DESTROY, 5, 0, 7) == -EINVAL, "destroy with arg5 != 0: EINVAL");
	check(kctl(PR_KCTX_REGISTER, 0, 0, 0) == -EINVAL, "register page NULL: EINVAL");
	check(kctl(PR_KCTX_REGISTER, (unsigned long)priv + 8, 0, 0) == -EINVAL, "register misaligned page: EINVAL");
	check(kctl(PR_KCTX_REGISTER, 0xffff888000000000UL, 0, 0) == -EFAULT, "register kernel address: EFAULT");
	check(kctl(PR_KCTX_REGISTER, 0x7ffffffff000UL, 0, 0) == -EFAULT, "register last user page (unmapped): EFAULT");
	check(kctl(PR_KCTX_REGISTER, (unsigned long)gone, 0, 0) == -EFAULT, "register unmapped page: EFAULT");
	check(kctl(PR_KCTX_REGISTER, (unsigned long)none, 0, 0) == -EINVAL, "register PROT_NONE page: EINVAL");
	check(kctl(PR_KCTX_REGISTER, (unsigned long)shared, 0, 0) == -EINVAL, "register MAP_SHARED page: EINVAL");
	check(kctl(PR_KCTX_REGISTER, (unsigned long)priv, 1, 0) == -EINVAL, "register with arg4 != 0: EINVAL");
	check(kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == -ENOENT, "unregister without a page: ENOENT");
	check(kctl(PR_KCTX_UNREGISTER, 1, 0, 0) == -EINVAL, "unregister with arg3 != 0: EINVAL");
	check(kctl(PR_KCTX_REGISTER, (unsigned long)priv, 0, 0) == 0, "register a private page: 0");
	check(kctl(PR_KCTX_REGISTER, (unsigned long)priv + 4096, 0, 0) == -EBUSY, "register twice: EBUSY");
	check(kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0, "unregister: 0");
	munmap(shared, 4096);
	munmap(none, 4096);
	munmap(priv, 8192);
}

/* --- 2. create, switch, destroy; fd N and "/" per context ------------------ */
static void test_basic(void)
{
	long e = kctl(PR_KCTX_CREATE, KCTX_FILES_EMPTY, 0, 0);
	long c = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	long s = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE, 0, 0);
	int fd_e_ok, fd_c_ok, fd_c_new, fd_s_new, root_sees_c, root_sees_s, p[2];
	int e_devnull, root_devnull, e_null, root_null, c_null, r_cwd, e_cwd;
	long r, r2;
	char cwd[256];

	check(e > 0 && c > 0 && s > 0 && e != c && c != s && e != s,
	      "create empty/copy/share: ids %ld %ld %ld", e, c, s);
	check(reg() == 0, "register a switch page");
	check(sw(0) == 0, "switch to the root context (no-op)");

	/* fd 1 (stdout) is in the root and copied tables, not in the empty one */
	r = sw(e);
	fd_e_ok = fd_ok(1);
	e_devnull = open("/dev/null", O_RDONLY);	/* lowest free: 0 */
	sw(0);
	check(r == 0, "switch into the empty-table context");
	check(!fd_e_ok, "fd 1 does not exist in the empty-table context");
	check(e_devnull == 0, "first open in the empty table gets fd 0 (got %d)", e_devnull);

	sw(c);
	fd_c_ok = fd_ok(1);
	fd_c_new = open("/dev/null", O_RDONLY);
	sw(0);
	root_sees_c = fd_c_new >= 0 && fd_ok(fd_c_new);
	check(fd_c_ok, "fd 1 exists in the copied table");
	check(fd_c_new > 2 && !root_sees_c, "fd %d opened in the copy is not in the root table", fd_c_new);

	sw(s);
	fd_s_new = open("/dev/null", O_RDONLY);
	sw(0);
	root_sees_s = fd_s_new >= 0 && fd_ok(fd_s_new);
	check(root_sees_s, "fd %d opened in the shared table is in the root table", fd_s_new);
	close(fd_s_new);

	/* fd N refers to different files: a pipe in the root, /dev/null in e */
	if (pipe(p) == 0) {
		struct stat st_root, st_e;
		int r1, r2, d;

		r1 = fstat(p[0], &st_root);
		sw(e);
		d = dup2(e_devnull, p[0]);
		r2 = fstat(p[0], &st_e);
		sw(0);
		check(d == p[0] && r1 == 0 && r2 == 0 && S_ISFIFO(st_root.st_mode) && S_ISCHR(st_e.st_mode),
		      "fd %d is a pipe in the root context and /dev/null in the empty-table one", p[0]);
		r1 = fstat(p[0], &st_root);
		check(r1 == 0 && S_ISFIFO(st_root.st_mode), "fd %d is still the pipe in the root context", p[0]);
		close(p[0]);
		close(p[1]);
	}

	/* "/" per context: chroot("/dev") inside c only */
	sw(c);
	e_null = chroot("/dev") == 0 && chdir("/") == 0;
	c_null = access("/null", F_OK) == 0;
	sw(0);
	root_null = access("/null", F_OK) == 0;
	root_devnull = access("/dev/null", F_OK) == 0;
	check(e_null, "chroot(\"/dev\") inside the copy context");
	check(c_null, "\"/null\" exists in the chrooted context");
	check(!root_null && root_devnull, "the root context's \"/\" is unchanged");
	sw(c);
	c_null = access("/null", F_OK) == 0;
	sw(0);
	check(c_null, "the chroot stays with the context after switching away and back");

	/* cwd per context */
	chdir("/proc");
	sw(e);
	e_cwd = chdir("/sys") == 0;
	sw(0);
	r_cwd = getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/proc") == 0;
	check(e_cwd && r_cwd, "chdir in a context leaves the root cwd at /proc (%s)", cwd);
	chdir("/");

	/* ids that name no context: the syscall fails, nothing switches */
	/* (the page keeps asking for the bad id until sw(0): report after it) */
	r = sw(KCTX_MAX - 1);
	r2 = sw(KCTX_MAX + 5);
	check(sw(0) == 0 && fd_ok(1), "back in the root context");
	check(r == -ENOENT, "switch to an id never created: syscall fails with ENOENT");
	check(r2 == -EINVAL, "switch to an id >= KCTX_MAX: syscall fails with EINVAL");

	check(kctl(PR_KCTX_DESTROY, e, 0, 0) == 0, "destroy the empty-table context");
	check(kctl(PR_KCTX_DESTROY, e, 0, 0) == -ENOENT, "destroy it again: ENOENT");
	r = sw(e);
	sw(0);
	check(r == -ENOENT, "switch to a destroyed context: ENOENT");
	check(kctl(PR_KCTX_DESTROY, c, 0, 0) == 0 && kctl(PR_KCTX_DESTROY, s, 0, 0) == 0,
	      "destroy the copy and share contexts");
	check(kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0, "unregister");
}

/* --- 3. credentials per context -------------------------------------------- */
static void test_creds(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE, 0, 0);
	int set, in_uid, in_gid, root_uid, again_uid, caps_in, r;

	check(x > 0 && reg() == 0, "creds: context %ld and switch page", x);
	sw(x);
	set = setresgid(1000, 1000, 1000) == 0 && setresuid(1000, 1000, 1000) == 0;
	in_uid = geteuid();
	in_gid = getegid();
	r = open("/proc/1/environ", O_RDONLY);
	caps_in = r >= 0;
	if (r >= 0)
		close(r);
	sw(0);
	root_uid = geteuid();
	sw(x);
	again_uid = geteuid();
	sw(0);
	check(set, "setresuid(1000) inside the context");
	check(in_uid == 1000 && in_gid == 1000, "uid/gid 1000 in the context (%d/%d)", in_uid, in_gid);
	check(!caps_in, "the context lost root's access to /proc/1/environ");
	check(root_uid == 0 && getuid() == 0, "uid 0 in the root context (%d)", root_uid);
	check(again_uid == 1000, "uid 1000 again when switching back into the context");
	check(prctl(PR_GET_DUMPABLE) == 0, "the process is no longer dumpable");
	r = open("/proc/1/environ", O_RDONLY);
	check(r >= 0, "root context keeps its access");
	if (r >= 0)
		close(r);
	check(kctl(PR_KCTX_DESTROY, x, 0, 0) == 0 && kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0,
	      "creds: destroy and unregister");
	prctl(PR_SET_DUMPABLE, 1);
}

/* --- 3b. namespaces of a context's own ------------------------------------- */
/* this thread's namespace of that kind, as "uts:[4026531838]" */
static void ns_of(const char *kind, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", kind);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
}

static int child_ns_unprivileged(void)
{
	if (setresuid(1000, 1000, 1000))	/* and every capability with it */
		return 10;
	if (kctl(PR_KCTX_CREATE, KCTX_FILES_COPY | KCTX_NEWUTS, 0, 0) != -EPERM)
		return 11;
	return kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0) > 0 ? 0 : 12;
}

static void test_namespaces(void)
{
	static const char *const kinds[] = { "net", "uts", "ipc" };
	char root[3][64], in_x[3][64], in_y[3][64], back[3][64], host0[65], host1[65];
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE | KCTX_NEWNET | KCTX_NEWUTS | KCTX_NEWIPC, 0, 0);
	long y = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE, 0, 0);
	struct utsname u;
	long before, after;
	int i, differ = 0, same_y = 0, same_back = 0, named, unshare_in, st, made = 0;

	check(x > 0 && y > 0 && reg() == 0, "ns: contexts %ld (new net, uts, ipc) and %ld (none)", x, y);
	uname(&u);
	snprintf(host0, sizeof(host0), "%s", u.nodename);
	for (i = 0; i < 3; i++)
		ns_of(kinds[i], root[i], sizeof(root[i]));
	sw(x);
	for (i = 0; i < 3; i++)
		ns_of(kinds[i], in_x[i], sizeof(in_x[i]));
	named = sethostname("kctx-ns", 7) == 0;
	unshare_in = unshare(CLONE_NEWUTS) ? errno : 0;
	sw(y);
	for (i = 0; i < 3; i++)
		ns_of(kinds[i], in_y[i], sizeof(in_y[i]));
	sw(0);
	for (i = 0; i < 3; i++) {
		ns_of(kinds[i], back[i], sizeof(back[i]));
		differ += root[i][0] && strcmp(root[i], in_x[i]) != 0;
		same_y += root[i][0] && strcmp(root[i], in_y[i]) == 0;
		same_back += root[i][0] && strcmp(root[i], back[i]) == 0;
	}
	uname(&u);
	snprintf(host1, sizeof(host1), "%s", u.nodename);
	check(differ == 3, "ns: net, uts and ipc differ in the context (%s in, %s out)", in_x[0], root[0]);
	check(same_y == 3, "ns: a context without namespaces has the thread's (%d of 3)", same_y);
	check(same_back == 3, "ns: the thread's own again in the root context (%d of 3)", same_back);
	check(named && strcmp(host0, host1) == 0,
	      "ns: sethostname in the context leaves the root's hostname (%s)", host1);
	sw(x);
	uname(&u);
	sw(0);
	check(strcmp(u.nodename, "kctx-ns") == 0, "ns: the context keeps its hostname (%s)", u.nodename);
	check(unshare_in == EPERM, "ns: unshare(CLONE_NEWUTS) in a context: EPERM (%d)", unshare_in);
	check(kctl(PR_KCTX_DESTROY, x, 0, 0) == 0 && kctl(PR_KCTX_DESTROY, y, 0, 0) == 0,
	      "ns: destroy both");
	st = in_child(child_ns_unprivileged, 30);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "ns: without CAP_SYS_ADMIN a context with namespaces is EPERM, one without is fine (%#x)", st);

	/* namespaces go with their context: 100 created, entered, destroyed */
	sleep(1);
	before = slab_kb();
	for (i = 0; i < 100; i++) {
		long z = kctl(PR_KCTX_CREATE, KCTX_FILES_EMPTY | KCTX_NEWNET | KCTX_NEWUTS | KCTX_NEWIPC,
			      0, 0);

		made += z > 0 && sw(z) == 0 && sw(0) == 0 && kctl(PR_KCTX_DESTROY, z, 0, 0) == 0;
	}
	after = slab_settled_kb(before);	/* netns are freed by a work queue */
	check(made == 100, "ns: 100 contexts with namespaces created, entered, destroyed (%d)", made);
	check(after - before < 1024, "ns: slab back to baseline: %ld kB before, %ld kB after", before, after);
	check(kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0, "ns: unregister");
}

/* --- 4. EBUSY, two threads in different contexts --------------------------- */
static pthread_barrier_t bar;
static long ctx_a, ctx_b;
static volatile int th_fd0_mode[2], th_reg[2];

static void *two_ctx_thread(void *arg)
{
	int i = (int)(long)arg;
	struct stat st;
	int p[2];

	th_reg[i] = reg();
	sw(i ? ctx_b : ctx_a);
	if (i == 0)
		open("/dev/null", O_RDONLY);		/* fd 0 in context a */
	else if (pipe(p) != 0)				/* fds 0, 1 in context b */
		th_fd0_mode[i] = -1;
	pthread_barrier_wait(&bar);	/* both inside their contexts */
	th_fd0_mode[i] = fstat(0, &st) == 0 ? (int)(st.st_mode & S_IFMT) : -1;
	pthread_barrier_wait(&bar);	/* main checks EBUSY here */
	pthread_barrier_wait(&bar);
	if (i == 0)
		sw(0);			/* thread 0 leaves, thread 1 exits inside */
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[2];
	int i;

	ctx_a = kctl(PR_KCTX_CREATE, KCTX_FILES_EMPTY, 0, 0);
	ctx_b = kctl(PR_KCTX_CREATE, KCTX_FILES_EMPTY, 0, 0);
	pthread_barrier_init(&bar, NULL, 3);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, two_ctx_thread, (void *)(long)i);
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	check(th_reg[0] == 0 && th_reg[1] == 0, "threads registered their switch pages");
	check(th_fd0_mode[0] == S_IFCHR && th_fd0_mode[1] == S_IFIFO,
	      "two threads at once: fd 0 is /dev/null in context a, a pipe in context b");
	check(kctl(PR_KCTX_DESTROY, ctx_a, 0, 0) == -EBUSY, "destroy a context in use: EBUSY");
	check(kctl(PR_KCTX_DESTROY, ctx_b, 0, 0) == -EBUSY, "destroy the other context in use: EBUSY");
	pthread_barrier_wait(&bar);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	check(fd_ok(1), "main thread kept its own file table throughout");
	check(kctl(PR_KCTX_DESTROY, ctx_a, 0, 0) == 0, "destroy after the thread left: 0");
	check(kctl(PR_KCTX_DESTROY, ctx_b, 0, 0) == 0, "destroy after a thread exited inside: 0");
	pthread_barrier_destroy(&bar);
}

/* --- 5. fork, exec, thread creation and management refused in a context --- */
static void *nop_thread(void *arg)
{
	return arg;
}

static void test_refused(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE, 0, 0);
	long fork_r, clone_r, exec_r, create_r, unreg_r, destroy_r, ns_r, setns_r, unsh_r;
	int nsfd = open("/proc/self/ns/uts", O_RDONLY), fd_in = -1, fd_again, fd_root;
	pthread_t th;
	char *argv[] = { "/bin/true", NULL };

	check(x > 0 && reg() == 0, "refusals: context %ld and switch page", x);
	sw(x);
	fork_r = syscall(SYS_fork) < 0 ? -errno : 0;
	clone_r = pthread_create(&th, NULL, nop_thread, NULL);
	exec_r = execve(argv[0], argv, NULL) < 0 ? -errno : 0;
	create_r = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	destroy_r = kctl(PR_KCTX_DESTROY, x, 0, 0);
	unreg_r = kctl(PR_KCTX_UNREGISTER, 0, 0, 0);
	ns_r = unshare(CLONE_NEWUTS) < 0 ? -errno : 0;
	setns_r = setns(nsfd, 0) < 0 ? -errno : 0;
	unsh_r = unshare(CLONE_FILES) < 0 ? -errno : 0;	/* allowed: stays with x */
	if (unsh_r == 0)
		fd_in = open("/dev/null", O_RDONLY);
	sw(0);
	fd_root = fd_in >= 0 && fd_ok(fd_in);
	sw(x);
	fd_again = fd_in >= 0 && fd_ok(fd_in);
	sw(0);
	check(ns_r == -EPERM && setns_r == -EPERM, "unshare(CLONE_NEWUTS) and setns in a context: EPERM");
	check(unsh_r == 0 && fd_again && !fd_root,
	      "unshare(CLONE_FILES) in a context: the new table stays with the context");
	close(nsfd);
	check(fork_r == -EPERM, "fork in a context: EPERM (%ld)", fork_r);
	check(clone_r == EPERM, "pthread_create in a context: EPERM (%ld)", clone_r);
	check(exec_r == -EPERM, "execve in a context: EPERM (%ld)", exec_r);
	check(create_r == -EPERM && destroy_r == -EPERM && unreg_r == -EPERM,
	      "create/destroy/unregister in a context: EPERM");
	check(kctl(PR_KCTX_DESTROY, x, 0, 0) == 0 && kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0,
	      "refusals: destroy and unregister from the root context");
}

/* --- 5b. a signal that arrives while the thread is in a context ---------- */
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

static void test_signal(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	struct sigaction sa = { .sa_handler = on_usr1 };
	int fd, sent, still_in;

	sigaction(SIGUSR1, &sa, NULL);
	check(x > 0 && reg() == 0, "signals: context %ld and switch page", x);
	sw(x);
	fd = open("/dev/null", O_RDONLY);	/* exists in x only */
	sent = syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1) == 0;
	still_in = fd_ok(fd);		/* after the handler returned */
	sw(0);
	check(sent && got_usr1 == 1, "SIGUSR1 raised in a context was handled (%d)", (int)got_usr1);
	check(still_in && !fd_ok(fd), "after the handler the thread is still in its context");
	check(kctl(PR_KCTX_DESTROY, x, 0, 0) == 0 && kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0,
	      "signals: destroy and unregister");
	signal(SIGUSR1, SIG_DFL);
}

/*
 * --- 5b'. signal handlers run in the root context ------------------------
 * Contexts x and y are copies of the root table; fd sr_fd[0] is open only
 * in the root table, sr_fd[1] only in x, sr_fd[2] only in y, and x has
 * chrooted to /dev. A handler must see the root context's fds and "/",
 * and want must read 0 in it; when it returns, want reads the interrupted
 * id again and the next syscall runs there.
 */
static long sr_x, sr_y;
static int sr_fd[3];
static struct stat sr_root_st;
static pid_t sr_tid;

static int same_root(void)
{
	struct stat st;

	return stat("/", &st) == 0 && st.st_dev == sr_root_st.st_dev &&
	       st.st_ino == sr_root_st.st_ino;
}

/* What a handler saw; ok = it ran in the root context */
struct probe {
	int hits, want, ok, flag;
	unsigned long long id;
};
static volatile struct probe pr;

static void probe(const ucontext_t *uc)
{
	pr.want = page->want;	/* before any syscall */
	pr.flag = !!(uc->uc_flags & UC_KCTX);
	pr.id = uc->uc_mcontext.__reserved1[0];
	pr.ok = pr.want == 0 && fd_ok(sr_fd[0]) && !fd_ok(sr_fd[1]) &&
		!fd_ok(sr_fd[2]) && same_root();
	pr.hits++;
}

static void on_probe(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	probe(uc);
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO };

	sigaction(sig, &sa, NULL);
}

static void probe_reset(void)
{
	memset((void *)&pr, 0, sizeof(pr));
	pr.want = -1;
}

static int raise_self(int sig)
{
	return syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig) == 0;
}

/* In context id (not 0) and nowhere else */
static int in_ctx(long id)
{
	return fd_ok(sr_fd[id == sr_x ? 1 : 2]) && !fd_ok(sr_fd[0]) &&
	       !fd_ok(sr_fd[id == sr_x ? 2 : 1]) && (id != sr_x || !same_root());
}

static int in_root(void)
{
	return fd_ok(sr_fd[0]) && !fd_ok(sr_fd[1]) && !fd_ok(sr_fd[2]) && same_root();
}

static volatile int kick_ready;

static void *kicker(void *arg)
{
	(void)arg;
	while (!kick_ready)
		usleep(1000);
	syscall(SYS_tgkill, getpid(), sr_tid, SIGUSR2);
	return NULL;
}

static void on_segv_fix(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	probe(uc);
	mprotect((void *)((unsigned long)si->si_addr & ~4095UL), 4096, PROT_READ);
}

/* nested: in a handler, enter y and take another signal there */
static volatile int nest_after_inner, nest_in_y;

static void on_outer(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	sw(sr_y);
	raise_self(SIGUSR1);		/* inner handler: on_probe */
	nest_after_inner = page->want;
	nest_in_y = in_ctx(sr_y);
	sw(0);				/* a handler returns from the root context */
}

static sigjmp_buf sr_jmp;

static void on_jump(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	probe(uc);
	siglongjmp(sr_jmp, 1);
}

static void on_redirect(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	probe(uc);
	((ucontext_t *)uc)->uc_mcontext.__reserved1[0] = sr_y;
}

static void on_flag(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	pr.flag = !!(((ucontext_t *)uc)->uc_flags & UC_KCTX);
	pr.hits++;
}

static void test_signal_root(void)
{
	pthread_t th;
	volatile char *guard;
	unsigned long i;
	int want_after, back, st;
	char c = 0;

	probe_reset();
	set_handler(SIGUSR1, on_flag);
	raise_self(SIGUSR1);
	check(pr.hits == 1 && !pr.flag, "sigroot: no UC_KCTX in the frames of a thread without a switch page");

	stat("/", &sr_root_st);
	sr_x = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	sr_y = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	sr_fd[0] = fcntl(1, F_DUPFD, 100);
	check(sr_x > 0 && sr_y > 0 && sr_fd[0] >= 100 && reg() == 0,
	      "sigroot: contexts %ld %ld, root-only fd %d, switch page", sr_x, sr_y, sr_fd[0]);
	sw(sr_x);
	sr_fd[1] = fcntl(1, F_DUPFD, 200);
	st = chroot("/dev");
	sw(sr_y);
	sr_fd[2] = fcntl(1, F_DUPFD, 300);
	sw(0);
	check(sr_fd[1] >= 200 && sr_fd[2] >= 300 && st == 0 && in_root(),
	      "sigroot: fd %d only in x (chrooted to /dev), fd %d only in y", sr_fd[1], sr_fd[2]);
	sr_tid = syscall(SYS_gettid);

	/* asynchronous: another thread signals this one while it spins in x */
	probe_reset();
	set_handler(SIGUSR2, on_probe);
	kick_ready = 0;
	pthread_create(&th, NULL, kicker, NULL);	/* from the root context */
	sw(sr_x);
	kick_ready = 1;
	for (i = 0; !pr.hits && i < 1000000000UL; i++)
		__asm__ volatile("pause");
	want_after = page->want;
	back = in_ctx(sr_x);
	sw(0);
	pthread_join(th, NULL);
	check(pr.hits == 1 && pr.ok, "sigroot: tgkill from another thread: the handler runs in the root context (want %d)", pr.want);
	check(pr.flag && pr.id == (unsigned long long)sr_x,
	      "sigroot: the frame has UC_KCTX and the interrupted id (%llu)", pr.id);
	check(want_after == sr_x && back, "sigroot: after the handler want is %d and the next syscall runs in x", want_after);

	/* synchronous: a fault in x, fixed by the handler, the access retried */
	guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	probe_reset();
	set_handler(SIGSEGV, on_segv_fix);
	sw(sr_x);
	c = guard[0];
	want_after = page->want;
	back = in_ctx(sr_x);
	sw(0);
	signal(SIGSEGV, SIG_DFL);
	munmap((void *)guard, 4096);
	check(c == 0 && pr.hits == 1 && pr.ok && pr.id == (unsigned long long)sr_x,
	      "sigroot: SIGSEGV raised in x is handled in the root context");
	check(want_after == sr_x && back, "sigroot: after the SIGSEGV handler the thread is back in x");

	/* nested: the handler enters y, a signal there is handled in root */
	probe_reset();
	nest_after_inner = -1;
	nest_in_y = 0;
	set_handler(SIGUSR1, on_probe);
	set_handler(SIGUSR2, on_outer);
	sw(sr_x);
	raise_self(SIGUSR2);
	want_after = page->want;
	back = in_ctx(sr_x);
	sw(0);
	check(pr.hits == 1 && pr.ok && pr.id == (unsigned long long)sr_y,
	      "sigroot: nested: a signal in y inside a handler is handled in root (id %llu)", pr.id);
	check(nest_after_inner == sr_y && nest_in_y,
	      "sigroot: nested: the outer handler is back in y after the inner one");
	check(want_after == sr_x && back, "sigroot: nested: after both handlers the thread is back in x");

	/* a handler may send the interrupted code to another context */
	probe_reset();
	set_handler(SIGUSR1, on_redirect);
	sw(sr_x);
	raise_self(SIGUSR1);
	want_after = page->want;
	back = in_ctx(sr_y);
	sw(0);
	check(pr.ok && want_after == sr_y && back, "sigroot: a handler that changes the recorded id to y sends the thread to y");

	/* siglongjmp out of a handler: want stays 0, the thread in root */
	probe_reset();
	set_handler(SIGUSR1, on_jump);
	if (!sigsetjmp(sr_jmp, 1)) {
		sw(sr_x);
		raise_self(SIGUSR1);
	}
	want_after = page->want;
	back = in_root();
	check(pr.ok && want_after == 0 && back, "sigroot: after siglongjmp out of a handler the thread is in root (want %d)", want_after);

	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	close(sr_fd[0]);
	check(kctl(PR_KCTX_DESTROY, sr_x, 0, 0) == 0 && kctl(PR_KCTX_DESTROY, sr_y, 0, 0) == 0 &&
	      kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0, "sigroot: destroy and unregister");
}

/* Children for the refusals: each starts in root with a fresh context */
static long child_ctx(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);

	if (x <= 0 || reg() != 0)
		_exit(1);
	return x;
}

static int child_raw_sigreturn(void)
{
	sw(child_ctx());
	syscall(SYS_rt_sigreturn);
	return 2;
}

/* The handler enters x and returns: the frame is genuine, x is not root */
static void on_enter_x(int sig)
{
	(void)sig;
	sw(sr_x);
}

static int child_sigreturn_in_ctx(void)
{
	signal(SIGSEGV, SIG_DFL);
	sr_x = child_ctx();
	signal(SIGUSR1, on_enter_x);
	raise_self(SIGUSR1);
	return 2;
}

static void on_segv_exit(int sig)
{
	(void)sig;
	_exit(page->want == 0 && fd_ok(100) ? 42 : 43);
}

static int child_sigreturn_caught(void)
{
	sr_x = child_ctx();
	if (fcntl(1, F_DUPFD, 100) != 100)	/* root only */
		return 1;
	signal(SIGSEGV, on_segv_exit);
	sw(sr_x);
	syscall(SYS_rt_sigreturn);
	return 2;
}

static void on_bad_id(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	((ucontext_t *)uc)->uc_mcontext.__reserved1[0] = KCTX_MAX;
}

static int child_bad_id(void)
{
	signal(SIGSEGV, SIG_DFL);
	set_handler(SIGUSR1, on_bad_id);
	sw(child_ctx());
	raise_self(SIGUSR1);
	return 2;
}

static void on_nop(int sig)
{
	(void)sig;
}

static int child_ro_page(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGUSR1, on_nop);
	sw(child_ctx());
	mprotect((void *)page, KCTX_SWITCH_PAGE_SIZE, PROT_READ);
	raise_self(SIGUSR1);
	return 2;
}

/* Without a switch page, rt_sigreturn ignores UC_KCTX */
static void on_forge(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	((ucontext_t *)uc)->uc_flags |= UC_KCTX;
	((ucontext_t *)uc)->uc_mcontext.__reserved1[0] = KCTX_MAX;
}

static int child_forged_unregistered(void)
{
	set_handler(SIGUSR1, on_forge);
	raise_self(SIGUSR1);
	return 0;
}

/* A handler that drops the switch page: the thread continues in root */
static void on_unregister(int sig)
{
	(void)sig;
	kctl(PR_KCTX_UNREGISTER, 0, 0, 0);
}

static int child_unregister_in_handler(void)
{
	long x = child_ctx();

	if (fcntl(1, F_DUPFD, 100) != 100)	/* root only */
		return 1;
	signal(SIGUSR1, on_unregister);
	sw(x);
	raise_self(SIGUSR1);
	if (!fd_ok(100) || kctl(PR_KCTX_UNREGISTER, 0, 0, 0) != -ENOENT)
		return 3;
	return 0;
}

/* The switch page under a key: write-disabled in x, inaccessible by default */
static int sr_pkey;
static volatile int pkey_seen;

static void on_pkey(int sig)
{
	(void)sig;
	pkey_set(sr_pkey, 0);
	pkey_seen = page->want == 0 ? 1 : 2;
	pkey_set(sr_pkey, PKEY_DISABLE_WRITE);	/* rt_sigreturn writes want anyway */
}

static int child_pkey(void)
{
	long x = child_ctx();

	sr_pkey = pkey_alloc(0, 0);
	if (sr_pkey < 0)
		return 3;
	if (pkey_mprotect((void *)page, KCTX_SWITCH_PAGE_SIZE, PROT_READ | PROT_WRITE, sr_pkey))
		return 4;
	signal(SIGUSR1, on_pkey);
	sw(x);
	pkey_set(sr_pkey, PKEY_DISABLE_WRITE);
	raise_self(SIGUSR1);
	if (pkey_get(sr_pkey) != PKEY_DISABLE_WRITE)
		return 5;
	if (pkey_seen != 1)
		return 6;
	if (page->want != x)
		return 7;
	pkey_set(sr_pkey, 0);
	sw(0);
	return 0;
}

/* Each in a child: its exit status (>= 0), or -SIGNAL for the signal
 * that must end it */
static void test_signal_refused(void)
{
	static const struct {
		int (*fn)(void);
		int want;
		const char *what;
	} cases[] = {
		{ child_raw_sigreturn, -SIGSEGV,
		  "raw rt_sigreturn in a context: SIGSEGV" },
		{ child_sigreturn_in_ctx, -SIGSEGV,
		  "a handler returning from a context (genuine frame): SIGSEGV" },
		{ child_sigreturn_caught, 42,
		  "the SIGSEGV of a refused rt_sigreturn is handled in root" },
		{ child_bad_id, -SIGSEGV,
		  "a frame with id KCTX_MAX is a bad frame: SIGSEGV" },
		{ child_ro_page, -SIGSEGV,
		  "read-only switch page in a context: SIGSEGV at delivery" },
		{ child_forged_unregistered, 0,
		  "UC_KCTX is ignored for a thread without a switch page" },
		{ child_unregister_in_handler, 0,
		  "a handler that unregisters leaves the thread in root" },
		{ child_pkey, 0,
		  "want written at delivery and sigreturn despite PKRU" },
	};
	unsigned i;
	int st, ok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st = in_child(cases[i].fn, 30);
		ok = cases[i].want < 0 ? WIFSIGNALED(st) && WTERMSIG(st) == -cases[i].want
				       : WIFEXITED(st) && WEXITSTATUS(st) == cases[i].want;
		check(ok, "sigroot: %s (status %#x)", cases[i].what, st);
	}
}

/* --- 5c. a seccomp filter per context ------------------------------------ */
/* getpid fails with EACCES, everything else is allowed */
static long attach_deny_getpid(unsigned int flags)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);

	return r < 0 ? -errno : r;
}

static long getpid_r(void)
{
	return syscall(SYS_getpid) < 0 ? -errno : 0;
}

static volatile int tsync_thread_state;

static void *tsync_thread(void *arg)
{
	(void)arg;
	reg();
	tsync_thread_state = 1;
	while (tsync_thread_state != 2)
		;
	return NULL;
}

static void test_seccomp(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE, 0, 0), y;
	long att, in_x, in_root, mode_x, mode_root, again_x, in_y, tsync;
	long slab0, vm0, slab1, vm1;
	int i, cycles = 0;
	pthread_t th;

	check(x > 0 && reg() == 0, "seccomp: context %ld and switch page", x);
	sw(x);
	att = attach_deny_getpid(0);
	in_x = getpid_r();
	mode_x = prctl(PR_GET_SECCOMP);
	sw(0);
	in_root = getpid_r();
	mode_root = prctl(PR_GET_SECCOMP);
	sw(x);
	again_x = getpid_r();
	sw(0);
	y = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE, 0, 0);
	sw(y);
	in_y = getpid_r();
	sw(0);
	check(att == 0, "attach a filter inside the context (%ld)", att);
	check(in_x == -EACCES && mode_x == SECCOMP_MODE_FILTER, "the filter applies in its context");
	check(in_root == 0 && mode_root == 0, "the root context has no filter (mode %ld)", mode_root);
	check(again_x == -EACCES, "the filter applies again after switching back");
	check(in_y == 0, "a context created later from the root has no filter");
	check(kctl(PR_KCTX_DESTROY, x, 0, 0) == 0 && kctl(PR_KCTX_DESTROY, y, 0, 0) == 0,
	      "seccomp: destroy the contexts");
	check(getpid_r() == 0, "root context unaffected after destroy");

	/* TSYNC cannot sync a thread that has a switch page */
	tsync_thread_state = 0;
	pthread_create(&th, NULL, tsync_thread, NULL);
	while (tsync_thread_state != 1)
		;
	tsync = attach_deny_getpid(SECCOMP_FILTER_FLAG_TSYNC);
	tsync_thread_state = 2;
	pthread_join(th, NULL);
	check(tsync > 0 && getpid_r() == 0, "TSYNC refused while another thread has a switch page (%ld)", tsync);

	/* filters are freed with their context: no growth over 1000 cycles */
	sleep(1);
	slab0 = slab_kb();
	vm0 = meminfo_kb("VmallocUsed");
	for (i = 0; i < 1000; i++) {
		long z = kctl(PR_KCTX_CREATE, KCTX_FILES_SHARE, 0, 0);
		int j, ok = z > 0;

		sw(z);
		ok = ok && attach_deny_getpid(0) == 0;
		for (j = 0; j < 10; j++) {
			sw(0);
			ok = ok && getpid_r() == 0;
			sw(z);
			ok = ok && getpid_r() == -EACCES;
		}
		sw(0);
		cycles += ok && kctl(PR_KCTX_DESTROY, z, 0, 0) == 0;
	}
	slab1 = slab_settled_kb(slab0);
	vm1 = meminfo_kb("VmallocUsed");
	check(cycles == 1000, "1000 cycles: create, attach filter, 20 switches, destroy (%d)", cycles);
	check(slab1 - slab0 < 1024 && vm1 - vm0 < 1024,
	      "filters freed: slab %ld -> %ld kB, vmalloc %ld -> %ld kB", slab0, slab1, vm0, vm1);
	check(kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0, "seccomp: unregister");
}

/* --- 6. release on process exit and exec; unreadable switch page ---------- */
static int child_exit_in_ctx(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_EMPTY, 0, 0);

	if (x <= 0 || reg() != 0)
		return 1;
	page->want = x;
	syscall(SYS_exit_group, 7);	/* switches into x, then exits there */
	return 2;
}

static int child_exec(void)
{
	char *argv[] = { "/bin/true", NULL };

	if (kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0) <= 0 || reg() != 0)
		return 1;
	execve(argv[0], argv, NULL);
	return 3;
}

static int child_bad_page(void)
{
	if (reg() != 0)
		return 1;
	mprotect((void *)page, KCTX_SWITCH_PAGE_SIZE, PROT_NONE);
	syscall(SYS_getppid);		/* the switch page cannot be read */
	return 4;
}

static void test_lifecycle(void)
{
	int st;

	st = in_child(child_exit_in_ctx, 30);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 7, "process exits while in a context (status %#x)", st);
	st = in_child(child_exec, 30);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec from the root context drops contexts (status %#x)", st);
	st = in_child(child_bad_page, 30);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "unreadable switch page: SIGSEGV at the next syscall (status %#x)", st);
}

/*
 * --- 6a. the switch page under a key that the thread's PKRU denies --------
 * The kernel reads want whatever the PKRU: a thread whose switch page has
 * a key its PKRU access-disables still switches at its next syscall, and
 * so does a signal handler, which starts with the default PKRU (every key
 * but 0 access-disabled). Exit codes name the step that failed.
 */
static int pk_key, pk_root_fd;
static volatile int pkh_runs, pkh_rights, pkh_ppid_ok, pkh_open_ok, pkh_in_root;

static int pk_page(void)
{
	pk_key = pkey_alloc(0, 0);
	if (pk_key < 0)
		return -1;
	return pkey_mprotect((void *)page, KCTX_SWITCH_PAGE_SIZE, PROT_READ | PROT_WRITE, pk_key);
}

/* Writes want with the key enabled, then sets the key's rights */
static void pk_want(long id, int rights)
{
	pkey_set(pk_key, 0);
	page->want = id;
	pkey_set(pk_key, rights);
}

/* S_IFMT of what fd refers to in the current context, 0 if nothing */
static unsigned int fd_type(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

static int child_pkey_denied(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	unsigned int x_type, root_type, x_again, root_again;
	int fd_x, root_has, fd_root;

	if (x <= 0 || reg() != 0)
		return 1;
	if (pk_page() != 0)
		return 2;
	pk_want(x, PKEY_DISABLE_ACCESS);
	fd_x = open("/dev/null", O_RDONLY);	/* switches into x first */
	x_type = fd_type(fd_x);
	pk_want(0, PKEY_DISABLE_ACCESS);
	root_has = fd_ok(fd_x);			/* back in the root context */
	fd_root = open("/", O_RDONLY | O_DIRECTORY);	/* the same number */
	root_type = fd_type(fd_root);
	pk_want(x, PKEY_DISABLE_ACCESS);
	x_again = fd_type(fd_x);
	pk_want(0, PKEY_DISABLE_ACCESS);
	root_again = fd_type(fd_x);
	if (pkey_get(pk_key) != PKEY_DISABLE_ACCESS)
		return 3;
	pkey_set(pk_key, 0);
	if (fd_x < 0 || x_type != S_IFCHR)
		return 4;
	if (root_has)
		return 5;
	if (fd_root != fd_x || root_type != S_IFDIR)
		return 6;
	if (x_again != S_IFCHR || root_again != S_IFDIR)
		return 7;
	return kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0 ? 0 : 8;
}

/* Installed without SA flags: runs with the default PKRU */
static void on_pkey_default(int sig)
{
	int fd;

	(void)sig;
	pkh_runs++;
	pkh_rights = pkey_get(pk_key);
	pkh_ppid_ok = syscall(SYS_getppid) > 0;
	pkh_in_root = fd_ok(pk_root_fd);
	fd = open("/dev/null", O_RDONLY);
	pkh_open_ok = fd >= 0;
	if (fd >= 0)
		close(fd);
}

static int pkh_ok(int runs)
{
	return pkh_runs == runs && pkh_rights == PKEY_DISABLE_ACCESS &&
	       pkh_ppid_ok && pkh_open_ok && pkh_in_root;
}

static int child_pkey_handler(void)
{
	struct sigaction sa = { .sa_handler = on_pkey_default };
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	int fd_x, in_x;

	if (x <= 0 || reg() != 0)
		return 1;
	/* Not in x, created before; far from the fds x may allocate */
	pk_root_fd = fcntl(1, F_DUPFD, 200);
	if (pk_root_fd < 0 || pk_page() != 0)
		return 2;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL))
		return 3;
	/* From the root context, the page write-disabled as a gate leaves it */
	pk_want(0, PKEY_DISABLE_WRITE);
	if (!raise_self(SIGUSR2))
		return 4;
	if (!pkh_ok(1))
		return 5;
	/* From context x: the handler still runs in root, then back to x */
	pk_want(x, PKEY_DISABLE_WRITE);
	fd_x = open("/dev/null", O_RDONLY);	/* in x only */
	if (fd_x < 0 || fd_ok(pk_root_fd))
		return 6;
	pkh_in_root = 0;
	raise_self(SIGUSR2);
	in_x = fd_ok(fd_x) && !fd_ok(pk_root_fd);
	pk_want(0, 0);
	if (!pkh_ok(2))
		return 7;
	if (!in_x)
		return 8;
	if (pkey_get(pk_key) != 0)
		return 9;
	return kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0 ? 0 : 10;
}

/* Unmapped (not only PKRU-denied): EFAULT and SIGSEGV as before */
static int child_unmapped_page(void)
{
	if (reg() != 0)
		return 1;
	munmap((void *)page, KCTX_SWITCH_PAGE_SIZE);
	syscall(SYS_getppid);		/* the switch page cannot be read */
	return 4;
}

static void test_pkey_denied(void)
{
	int st;

	st = in_child(child_pkey_denied, 30);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "pkey: switch page access-disabled by PKRU: switches work, fd N differs per context (status %#x)",
	      st);
	st = in_child(child_pkey_handler, 30);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "pkey: handler with the default PKRU makes syscalls, from root and from a context (status %#x)",
	      st);
	st = in_child(child_unmapped_page, 30);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "unmapped switch page: SIGSEGV at the next syscall (status %#x)", st);
}

/* --- 6b. threads switching at random while contexts come and go -------- */
static long stress_ctx[4];
static volatile int stress_stop;
static volatile long stress_done[4];	/* requests made, per thread */

static void *stress_thread(void *arg)
{
	unsigned long seed = (unsigned long)arg * 2654435761UL + 1;
	long n = 0, bad = 0;

	if (reg() != 0)
		return (void *)-1L;
	while (!stress_stop) {
		long r, id;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		id = (seed >> 33) % 5 == 4 ? 0 : stress_ctx[(seed >> 33) % 4];
		r = sw(id);
		/* ctx[3] comes and goes: ENOENT is fine there */
		bad += r != 0 && !(r == -ENOENT && id == stress_ctx[3]);
		stress_done[(long)arg] = ++n;
	}
	sw(0);
	return (void *)(bad ? -1L : n);
}

/* the fewest requests any stress thread has made so far */
static long stress_least(void)
{
	long least = stress_done[0];
	int i;

	for (i = 1; i < 4; i++)
		if (stress_done[i] < least)
			least = stress_done[i];
	return least;
}

static void test_stress(void)
{
	pthread_t th[4];
	long before, after, total = 0, busy = 0, destroyed = 0, rounds;
	struct timespec t0, t1;
	int i, ok = 1;
	void *ret;

	sleep(1);
	before = slab_kb();
	for (i = 0; i < 4; i++)
		stress_ctx[i] = kctl(PR_KCTX_CREATE, i == 0 ? KCTX_FILES_SHARE : KCTX_FILES_COPY, 0, 0);
	stress_stop = 0;
	for (i = 0; i < 4; i++) {
		stress_done[i] = 0;
		pthread_create(&th[i], NULL, stress_thread, (void *)(long)i);
	}
	/* 20000 destroys at least, and until every thread has raced with
	 * them for 1000 requests: on a loaded host the threads may not run
	 * at all during the first 20000 (60 s at most) */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (rounds = 0;; rounds++) {
		long r;

		if (rounds >= 20000 && rounds % 1000 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (stress_least() >= 1000 || t1.tv_sec - t0.tv_sec > 60)
				break;
		}
		r = kctl(PR_KCTX_DESTROY, stress_ctx[3], 0, 0);
		if (r == -EBUSY) {
			busy++;
		} else if (r == 0) {
			destroyed++;
			stress_ctx[3] = kctl(PR_KCTX_CREATE, KCTX_FILES_EMPTY, 0, 0);
			ok = ok && stress_ctx[3] > 0;
		} else {
			ok = 0;
		}
	}
	stress_stop = 1;
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		ok = ok && (long)ret > 0;
		total += (long)ret > 0 ? (long)ret : 0;
	}
	for (i = 0; i < 4; i++)
		ok = ok && kctl(PR_KCTX_DESTROY, stress_ctx[i], 0, 0) == 0;
	after = slab_settled_kb(before);
	check(ok, "4 threads, %ld switch requests at random (at least %ld each), %ld destroys racing "
	      "(%ld EBUSY, %ld destroyed)", total, stress_least(), rounds, busy, destroyed);
	check(after - before < 1024, "slab after the race: %ld kB before, %ld kB after", before, after);
}

/* --- 6c. a core dump from a context is the process's -------------------- */
#define CORE_DIR  "/tmp/kctx-cores"
#define CORE_JAIL "/tmp/kctx-jail"

/* dumps core (SIGQUIT) while in a context rooted at CORE_JAIL */
static int child_core_in_ctx(void)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);

	if (setrlimit(RLIMIT_CORE, &unlimited) || x <= 0 || reg())
		return 10;
	sw(x);
	if (chroot(CORE_JAIL) || chdir("/"))
		return 11;
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGQUIT);
	return 12;
}

static void test_coredump(void)
{
	const char *pattern = CORE_DIR "/core";
	char old[256] = "";
	struct stat sb;
	int fd, st, n;

	mkdir(CORE_DIR, 0755);
	/* without the fix the dump would land here, in the context's "/" */
	mkdir(CORE_JAIL, 0755);
	mkdir(CORE_JAIL "/tmp", 0755);
	mkdir(CORE_JAIL CORE_DIR, 0755);
	unlink(CORE_DIR "/core");
	unlink(CORE_JAIL CORE_DIR "/core");
	fd = open("/proc/sys/kernel/core_pattern", O_RDWR);
	n = fd >= 0 ? (int)read(fd, old, sizeof(old) - 1) : -1;
	if (n < 0 || pwrite(fd, pattern, strlen(pattern), 0) != (ssize_t)strlen(pattern)) {
		check(0, "core: cannot set core_pattern (%s)", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	st = in_child(child_core_in_ctx, 30);
	check(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT && WCOREDUMP(st),
	      "core: SIGQUIT in a context dumps core (status %#x)", st);
	check(stat(CORE_DIR "/core", &sb) == 0 && sb.st_size > 0 && sb.st_uid == 0,
	      "core: written under the root context's / (%s)", CORE_DIR "/core");
	check(stat(CORE_JAIL CORE_DIR "/core", &sb) != 0,
	      "core: nothing written under the context's / (" CORE_JAIL ")");
	old[n > 0 && old[n - 1] == '\n' ? n - 1 : n] = 0;
	if (pwrite(fd, old, strlen(old), 0) < 0)
		check(0, "core: cannot restore core_pattern");
	close(fd);
}

/* --- 7. 1M switches, kernel memory back to baseline ------------------------ */
static void test_many(void)
{
	long x = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);
	long before, after, i, fails = 0;
	struct timespec t0, t1;
	int n_create = 0;

	sleep(1);
	before = slab_kb();
	check(x > 0 && reg() == 0, "1M: context %ld and switch page", x);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 1000000; i++)
		fails += sw(i & 1 ? 0 : x) != 0;
	sw(0);
	for (i = 0; i < 10000; i++) {
		long y = kctl(PR_KCTX_CREATE, KCTX_FILES_COPY, 0, 0);

		n_create += y > 0 && sw(y) == 0 && sw(0) == 0 && kctl(PR_KCTX_DESTROY, y, 0, 0) == 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check(kctl(PR_KCTX_DESTROY, x, 0, 0) == 0 && kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == 0,
	      "1M: destroy and unregister");
	after = slab_settled_kb(before);	/* RCU frees the credentials */
	check(fails == 0, "1M switches without a failure (%ld failed, %.1f s)", fails,
	      (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	check(n_create == 10000, "10000 create/switch/destroy cycles (%d)", n_create);
	check(before > 0 && after - before < 1024,
	      "slab memory back to baseline: %ld kB before, %ld kB after", before, after);
}

/* --- 8. fuzz: random arguments to every entry point, random switch ids ----- */
static unsigned long rnd_state = 88172645463325252UL;

static unsigned long rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static unsigned long rnd_arg(void *mapped)
{
	static const unsigned long special[] = {
		0, 1, 2, 3, 4, 5, 63, 64, 65, 4096, ~0UL, ~0UL - 4095, 0x7ffffffff000UL,
		0xffff888000000000UL, 0xffffffff81000000UL, 1UL << 47, 0x80000000UL,
	};

	switch (rnd() % 4) {
	case 0:
		return special[rnd() % (sizeof(special) / sizeof(special[0]))];
	case 1:
		return (unsigned long)mapped + (rnd() % 3) * 4096 + (rnd() % 2) * (rnd() % 4096);
	case 2:
		return rnd() % 128;
	default:
		return rnd();
	}
}

static int child_fuzz(void)
{
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	mprotect(m + 4096, 4096, PROT_READ);
	for (i = 0; i < 200000; i++) {
		unsigned long op = rnd() % 8 == 0 ? rnd_arg(m) : 1 + rnd() % 4;
		unsigned long a3 = rnd_arg(m), a4 = rnd() % 8 ? 0 : rnd_arg(m);
		unsigned long a5 = rnd() % 8 ? 0 : rnd_arg(m);

		if (op == PR_KCTX_REGISTER && rnd() % 2)
			a3 = (unsigned long)m + (rnd() % 2) * 4096;
		syscall(SYS_prctl, PR_KCTX, op, a3, a4, a5);
		/* a registered page may now ask for any id */
		m[0] = 0;
		((volatile unsigned int *)m)[0] = rnd() % 4 ? (unsigned int)(rnd() % 70) : (unsigned int)rnd();
		syscall(SYS_getppid);
		((volatile unsigned int *)m)[0] = 0;
		syscall(SYS_getppid);
	}
	return 0;
}

static int kernel_log_clean(char *bad, size_t len)
{
	static char buf[1 << 20];
	int n = klogctl(3, buf, sizeof(buf) - 1);	/* SYSLOG_ACTION_READ_ALL */
	const char *words[] = { "Oops", "BUG:", "WARNING:", "general protection", "Call Trace" };
	size_t i;

	if (n < 0)
		return -1;
	buf[n] = 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char *p = strstr(buf, words[i]);

		if (p) {
			snprintf(bad, len, "%.120s", p);
			return 0;
		}
	}
	return 1;
}

static void test_fuzz(void)
{
	char bad[128] = "";
	int st, i, ok = 0;

	for (i = 0; i < 4; i++) {
		rnd_state += i * 0x9e3779b97f4a7c15UL;
		st = in_child(child_fuzz, 120);
		ok += st != -1;	/* any way out is fine, a hang is not */
	}
	check(ok == 4, "fuzz: 4 x 200000 random calls, every child ended (%d)", ok);
	check(kernel_log_clean(bad, sizeof(bad)) == 1, "kernel log has no oops/BUG/WARNING %s", bad);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (kctl(PR_KCTX_UNREGISTER, 0, 0, 0) == -EINVAL && errno == EINVAL) {
		check(0, "PR_KCTX is not supported by this kernel (CONFIG_KERNEL_CONTEXTS?)");
		goto out;
	}
	test_validation();
	test_basic();
	test_creds();
	test_namespaces();
	test_threads();
	test_refused();
	test_signal();
	test_signal_root();
	test_signal_refused();
	test_seccomp();
	test_lifecycle();
	test_coredump();
	test_pkey_denied();
	test_stress();
	test_many();
	test_fuzz();
out:
	/* every case runs on the patched kernel: none is ever skipped */
	printf("kctx-tests: %d passed, %d failed, 0 skipped\n", passed, failed);
	return failed ? 1 : 0;
}
