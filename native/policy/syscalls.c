/* cordon/syscalls.def and syscall_groups.def as data: see policy.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "policy/policy.h"

#define P(rule, e) CORDON_PROC_##rule, e
#define U(rule, e) CORDON_KCTX_##rule, e
#define M(handler) 1
#define M_NONE 0
#define CORDON_SYSCALL(name_, group, process, mpk, uswitch, why) \
	{ SYS_##name_, #name_, CORDON_SYS_##group, process, mpk, uswitch, why },

const struct cordon_syscall cordon_syscalls[] = {
#include "cordon/syscalls.def"
};
#undef CORDON_SYSCALL
#undef P
#undef U
#undef M
#undef M_NONE

const size_t cordon_nsyscalls = sizeof(cordon_syscalls) / sizeof(cordon_syscalls[0]);

/* vsys_fcntl's set: its other commands are refused there too */
const uint32_t cordon_fcntl_cmds[] = {
	F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC,
};
const size_t cordon_nfcntl_cmds = sizeof(cordon_fcntl_cmds) / sizeof(cordon_fcntl_cmds[0]);

int cordon_group_granted(unsigned group, unsigned groups)
{
	if (group == CORDON_SYS_NEVER)
		return 0;
	return group == CORDON_SYS_ALWAYS || (groups & group);
}

static const struct {
	const char *name;
	unsigned bit;
} group_names[] = {
#define CORDON_GROUP(id, bit, name, what) { name, CORDON_SYS_##id },
#include "cordon/syscall_groups.def"
#undef CORDON_GROUP
};

unsigned cordon_group_bit(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(group_names) / sizeof(group_names[0]); i++)
		if (strlen(group_names[i].name) == len && !strncmp(group_names[i].name, name, len))
			return group_names[i].bit;
	return 0;
}
