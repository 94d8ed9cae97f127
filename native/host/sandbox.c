/*
 * Resource limits and no_new_privs: the first layers of the sandbox, set
 * while the host can still report failures freely. Also the first and last
 * steps of a host's life: only the channel's fd kept, and the watch on the
 * JVM. Shared with cordon-jni-host (native/jnihost).
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

#define HOST_NOFILE 16 /* the domain gets few files of its own */

static void set_limit(struct host *h, int resource, const char *name,
		      rlim_t soft, rlim_t hard)
{
	struct rlimit r = { soft, hard };

	if (setrlimit(resource, &r))
		host_fail(h, "rlimit: %s: %s", name, strerror(errno));
}

void host_limit_resources(struct host *h)
{
	if (h->opts.memory)
		set_limit(h, RLIMIT_AS, "RLIMIT_AS", h->opts.memory, h->opts.memory);
	/* soft limit: SIGXCPU, reported as a fault; hard limit a second later
	 * kills, should domain code block SIGXCPU */
	if (h->opts.cpu_seconds)
		set_limit(h, RLIMIT_CPU, "RLIMIT_CPU", h->opts.cpu_seconds,
			  h->opts.cpu_seconds + 1);
	set_limit(h, RLIMIT_NOFILE, "RLIMIT_NOFILE", HOST_NOFILE, HOST_NOFILE);
	set_limit(h, RLIMIT_CORE, "RLIMIT_CORE", 0, 0);
	/* also required by Landlock and by seccomp without CAP_SYS_ADMIN */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		host_fail(h, "no_new_privs: %s", strerror(errno));
}

static void host_close_other_fds(void)
{
	/* close_range has no musl wrapper in 1.2.3 */
	syscall(SYS_close_range, 0, CORDON_HOST_FD - 1, 0);
	syscall(SYS_close_range, CORDON_HOST_FD + 1, ~0u, 0);
}

/*
 * What both hosts do first: every fd but the channel closed, the channel
 * mapped and its header checked against the arguments. -1 only when there
 * is no channel to report to; any other failure is host_fail's.
 */
int host_begin(struct host *h, int argc, char **argv)
{
	host_close_other_fds();
	if (host_map_channel(h))
		return -1;
	host_parse_args(h, argc, argv);
	host_check_header(h);
	h->pid = getpid();
	h->ppid = getppid();
	return 0;
}

/* The JVM ends us by marking slots DEAD; should it die without doing so,
 * we are reparented and notice here. */
_Noreturn void host_watch_parent(struct host *h)
{
	struct timespec second = { 1, 0 };

	for (;;) {
		nanosleep(&second, NULL);
		if (getppid() != h->ppid)
			_exit(0);
	}
}
