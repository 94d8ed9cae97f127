/*
 * The syscall policy table (cordon/syscalls.def) as data, for the
 * programs made from it, and cordon-host's seccomp program. Built into
 * cordon-host (musl) and libcordon.so (glibc) alike.
 */
#ifndef CORDON_POLICY_POLICY_H
#define CORDON_POLICY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "cordon/syscall_policy.h"
#include "policy/bpf.h"

struct cordon_syscall {
	uint32_t nr;
	const char *name;
	unsigned group;           /* CORDON_SYS_*, ALWAYS or NEVER */
	enum cordon_proc_rule process;
	int process_errno;        /* for CORDON_PROC_DENY */
	int mpk;                  /* vsys emulates it */
	enum cordon_kctx_rule uswitch;
	int uswitch_errno;        /* for CORDON_KCTX_DENY */
	const char *why;          /* "" where the backends agree */
};

extern const struct cordon_syscall cordon_syscalls[];
extern const size_t cordon_nsyscalls;

/* fcntl commands a domain may use (fd flags, dup): the FCNTL rules */
extern const uint32_t cordon_fcntl_cmds[];
extern const size_t cordon_nfcntl_cmds;

/* Does a policy granting `groups` grant the row's group? */
int cordon_group_granted(unsigned group, unsigned groups);

/* The group's bit for its name (syscall_groups.def), 0 if unknown. */
unsigned cordon_group_bit(const char *name, size_t len);

/* What cordon-host's seccomp program needs to know besides the groups. */
struct cordon_process_ctx {
	unsigned groups;        /* CORDON_SYS_* granted */
	int landlocked;         /* Landlock confines paths: PATH rules pass */
	uint32_t pid;           /* the host's pid: SELF rules */
	const uint32_t *tids;   /* its threads: SELF_THREAD rules */
	unsigned ntids;
};

/*
 * cordon-host's seccomp program: a foreign architecture kills, x32 and
 * anything the table does not grant fail with EPERM. Its length, or
 * -E2BIG / -ERANGE (bpf.h).
 */
int cordon_process_filter(const struct cordon_process_ctx *ctx, struct bpf_insn *out,
			  size_t max);

#endif
