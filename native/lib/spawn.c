/*
 * cordon_spawn_host (include/cordon/libcordon.h): start cordon-host with
 * the channel as fd 3 and nothing else open, an empty environment, default
 * signal dispositions and an empty signal mask (the JVM blocks and ignores
 * signals that a child should not inherit).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#pragma GCC visibility push(default)
#include "cordon/channel.h"
#include "cordon/libcordon.h"
#pragma GCC visibility pop

/* "cordon_spawn_host: WHAT: strerror", and -e */
static int fail(char *err, size_t errlen, int e, const char *what, const char *detail)
{
	if (err && errlen)
		snprintf(err, errlen, "cordon_spawn_host: %s%s: %s", what, detail, strerror(e));
	return -e;
}

static int set_actions(posix_spawn_file_actions_t *fa, int fd)
{
	int rc;

	rc = posix_spawn_file_actions_adddup2(fa, fd, CORDON_HOST_FD);
	if (!rc)
		rc = posix_spawn_file_actions_addclosefrom_np(fa, CORDON_HOST_FD + 1);
	if (!rc)
		rc = posix_spawn_file_actions_addclose(fa, 0);
	if (!rc)
		rc = posix_spawn_file_actions_addclose(fa, 1);
	if (!rc)
		rc = posix_spawn_file_actions_addclose(fa, 2);
	return rc;
}

static int set_attrs(posix_spawnattr_t *at)
{
	sigset_t none, all;
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	rc = posix_spawnattr_setsigmask(at, &none);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(at, &all);
	if (!rc)
		rc = posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	return rc;
}

int cordon_spawn_host(const char *path, char *const argv[], int channel_fd,
		      char *err, size_t errlen)
{
	static char *const empty_env[] = { NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int fd = channel_fd, rc;
	pid_t pid;

	if (err && errlen)
		err[0] = 0;
	if (!path || !argv || !argv[0] || channel_fd < 0)
		return fail(err, errlen, EINVAL, "bad arguments", "");
	/* dup2(3, 3) would leave FD_CLOEXEC set: move a channel on fd 3 */
	if (channel_fd == CORDON_HOST_FD) {
		fd = fcntl(channel_fd, F_DUPFD_CLOEXEC, CORDON_HOST_FD + 1);
		if (fd < 0)
			return fail(err, errlen, errno, "dup of the channel fd", "");
	}
	rc = posix_spawn_file_actions_init(&fa);
	if (rc) {
		if (fd != channel_fd)
			close(fd);
		return fail(err, errlen, rc, "posix_spawn setup", "");
	}
	rc = posix_spawnattr_init(&at);
	if (!rc) {
		rc = set_actions(&fa, fd);
		if (!rc)
			rc = set_attrs(&at);
		if (!rc)
			rc = posix_spawn(&pid, path, &fa, &at, argv, empty_env);
		posix_spawnattr_destroy(&at);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (fd != channel_fd)
		close(fd);
	if (rc)
		return fail(err, errlen, rc, "spawn ", path);
	return (int)pid;
}
