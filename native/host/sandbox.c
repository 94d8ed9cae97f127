/*
 * Resource limits and no_new_privs: the first layers of the sandbox, set
 * while the host can still report failures freely.
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

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
