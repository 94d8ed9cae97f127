/*
 * Landlock: the domain's filesystem view. With --data DIR, reading and
 * writing beneath DIR only; without it, nothing at all. Also, where the
 * kernel knows them, no TCP bind/connect and no signals or abstract unix
 * sockets leaving the domain. Landlock applies to the calling thread and
 * the threads it creates later, so this runs on the main thread before
 * the workers start.
 *
 * Constants: the Landlock uapi (linux/landlock.h); musl-gcc sees no kernel
 * headers, so the few we use are spelled out here.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "host.h"

#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1

#define LL_FS_EXECUTE     (1ull << 0)
#define LL_FS_WRITE_FILE  (1ull << 1)
#define LL_FS_READ_FILE   (1ull << 2)
#define LL_FS_READ_DIR    (1ull << 3)
#define LL_FS_REMOVE_DIR  (1ull << 4)
#define LL_FS_REMOVE_FILE (1ull << 5)
#define LL_FS_MAKE_DIR    (1ull << 7)
#define LL_FS_MAKE_REG    (1ull << 8)
#define LL_FS_ABI1_ALL    ((1ull << 13) - 1) /* EXECUTE .. MAKE_SYM */
#define LL_FS_REFER       (1ull << 13)       /* ABI 2 */
#define LL_FS_TRUNCATE    (1ull << 14)       /* ABI 3 */
#define LL_FS_IOCTL_DEV   (1ull << 15)       /* ABI 5 */
#define LL_NET_BIND_TCP    (1ull << 0)       /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ull << 0)   /* ABI 6 */
#define LL_SCOPE_SIGNAL        (1ull << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static uint64_t handled_fs(long abi)
{
	uint64_t fs = LL_FS_ABI1_ALL;

	if (abi >= 2)
		fs |= LL_FS_REFER;
	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LL_FS_IOCTL_DEV;
	return fs;
}

/* "read and write beneath DIR": files and directories, no devices, fifos,
 * sockets, symlinks or execution. */
static uint64_t data_rights(uint64_t handled)
{
	return handled & (LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_READ_DIR |
			  LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR |
			  LL_FS_MAKE_REG | LL_FS_REFER | LL_FS_TRUNCATE);
}

static void allow_data_dir(struct host *h, int ruleset, uint64_t handled)
{
	struct ll_path_beneath rule;
	int dir = open(h->opts.data_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0)
		host_fail(h, "landlock: --data %.128s: %s", h->opts.data_dir, strerror(errno));
	rule.allowed_access = data_rights(handled);
	rule.parent_fd = dir;
	if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0))
		host_fail(h, "landlock: add rule for %.128s: %s", h->opts.data_dir,
			  strerror(errno));
	close(dir);
}

void host_landlock(struct host *h)
{
	struct ll_ruleset_attr attr;
	long abi;
	int ruleset;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	if (abi < 1) {
		/* no Landlock: seccomp then refuses every path syscall, which
		 * is only good enough when the domain needs no files */
		if (h->opts.data_dir)
			host_fail(h, "landlock: not available (%s), but --data needs it",
				  strerror(errno));
		h->landlocked = 0;
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = handled_fs(abi);
	if (abi >= 4)
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		host_fail(h, "landlock: create ruleset: %s", strerror(errno));
	if (h->opts.data_dir)
		allow_data_dir(h, ruleset, attr.handled_access_fs);
	/* relative paths start in the data directory */
	if (chdir(h->opts.data_dir ? h->opts.data_dir : "/"))
		host_fail(h, "landlock: chdir: %s", strerror(errno));
	if (syscall(SYS_landlock_restrict_self, ruleset, 0))
		host_fail(h, "landlock: restrict_self: %s", strerror(errno));
	close(ruleset);
	h->landlocked = 1;
}
