/*
 * init for the Cordon test VM (PID 1 of the guest, linked statically).
 *
 * kernel/vm/run appends to the initramfs a directory /cordon holding
 *   argv  - the command, NUL-separated      cwd   - the host's working directory
 *   env   - NAME=VALUE, NUL-separated       nonce - a per-run token
 * (files, not the kernel command line: no quoting, no 2 KiB limit).
 *
 * The host's / comes over 9p, read-only, at /host. We mount a fresh proc,
 * sysfs and devtmpfs over /host/proc, /host/sys, /host/dev (mounting over a
 * read-only directory writes nothing) and make /host the root: dynamic
 * programs then find the host's loader and libraries at their usual paths,
 * so the host's JDK runs unchanged. The guest's /tmp is an overlay: the
 * host's /tmp read-only below, a tmpfs above, so that a checkout under /tmp
 * (where CI may clone) is still reachable and /tmp is still writable.
 * The root is switched as switch_root(8) does it (move the mount onto /, then
 * chroot into it), not by a plain chroot("/host"): the kernel refuses user
 * namespaces to a chrooted process (EPERM from unshare(CLONE_NEWUSER)).
 *
 * The command runs with cwd = the host's cwd and stdin = /dev/null; its
 * output goes to the serial console. Then init prints
 * "CORDON-VM-EXIT <nonce> <status>" and powers the VM off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* cache=loose: the guest caches what it reads (the host tree is read-only to it
 * and the VM is short-lived); the JVM starts ~30% faster than with cache=none. */
#define NINEP_OPTS "trans=virtio,version=9p2000.L,msize=512000,cache=loose"

static void power_off(void)
{
	tcdrain(STDOUT_FILENO); /* let the UART send everything first */
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT); /* QEMU runs with -no-reboot: a reset ends it too */
	for (;;)
		pause();
}

static void fatal(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	fputs("cordon-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(err));
	va_end(ap);
	power_off(); /* no marker: vm/run reports a failed boot */
}

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *opts)
{
	mkdir(dst, 0755); /* may fail on the read-only host tree: it exists there */
	if (mount(src, dst, type, flags, opts) != 0)
		fatal("mount %s on %s", type, dst);
}

/* Reads a whole file; *len gets its size. The result is NUL-terminated. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		fatal("open %s", path);
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap + 1);
			if (!buf)
				fatal("malloc");
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Splits a NUL-separated buffer into a NULL-terminated vector. */
static char **split(char *buf, size_t len)
{
	size_t count = 0, i = 0, k = 0;

	for (size_t j = 0; j < len; j++)
		count += buf[j] == '\0';
	char **v = calloc(count + 1, sizeof(*v));

	if (!v)
		fatal("malloc");
	while (i < len) {
		v[k++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	return v;
}

int main(void)
{
	/* The kernel gives PID 1 /dev/console only if the initramfs has it. */
	do_mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	int con = open("/dev/console", O_RDWR | O_NOCTTY);

	if (con >= 0) {
		for (int fd = 0; fd <= 2; fd++)
			dup2(con, fd);
		if (con > 2)
			close(con);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	size_t argv_len, env_len;
	char *argv_buf = slurp("/cordon/argv", &argv_len);
	char *env_buf = slurp("/cordon/env", &env_len);
	char *cwd = slurp("/cordon/cwd", NULL);
	char *nonce = slurp("/cordon/nonce", NULL);
	char **args = split(argv_buf, argv_len);
	char **envp = split(env_buf, env_len);

	if (!args[0])
		fatal("empty command in /cordon/argv");

	do_mount("host", "/host", "9p", MS_RDONLY, NINEP_OPTS);
	do_mount("proc", "/host/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("sysfs", "/host/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("devtmpfs", "/host/dev", "devtmpfs", MS_NOSUID, NULL);
	do_mount("tmpfs", "/host/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	/* the overlay's upper layer lives in the initramfs root, which stays
	 * reachable by the mount after the root moves */
	do_mount("tmpfs", "/overlay", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	if (mkdir("/overlay/upper", 01777) != 0 || mkdir("/overlay/work", 0700) != 0)
		fatal("mkdir /overlay/upper, /overlay/work");
	do_mount("overlay", "/host/tmp", "overlay", MS_NOSUID | MS_NODEV,
		 "lowerdir=/host/tmp,upperdir=/overlay/upper,workdir=/overlay/work");
	if (chdir("/host") != 0 || mount(".", "/", NULL, MS_MOVE, NULL) != 0 ||
	    chroot(".") != 0 || chdir("/") != 0)
		fatal("switching the root to /host");
	if (chdir(cwd) != 0)
		fprintf(stderr, "cordon-init: cwd %s not reachable in the guest (%s), using /\n",
			cwd, strerror(errno));

	pid_t child = fork();

	if (child < 0)
		fatal("fork");
	if (child == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		setsid();
		environ = envp; /* execvp looks the command up on this PATH */
		execvp(args[0], args);
		fprintf(stderr, "cordon-init: exec %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}

	/* PID 1 reaps every orphan; only our child's status counts. */
	int status = 0, code;
	pid_t pid;

	while ((pid = wait(&status)) != child)
		if (pid < 0 && errno != EINTR)
			fatal("wait");
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("CORDON-VM-EXIT %s %d\n", nonce, code);
	power_off();
}
