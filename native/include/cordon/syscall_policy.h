/*
 * The syscall policy, one table for all backends: the group bits and
 * names (syscall_groups.def) and every system call a domain may make, with
 * how each backend treats it (syscalls.def). Include the .def files with
 * your own CORDON_GROUP / CORDON_SYSCALL to derive something from them;
 * this header gives the bits and the vocabulary of the table's columns.
 */
#ifndef CORDON_SYSCALL_POLICY_H
#define CORDON_SYSCALL_POLICY_H

/* CORDON_SYS_IO, ...: the bits a policy grants */
enum {
#define CORDON_GROUP(id, bit, name, what) CORDON_SYS_##id = 1u << (bit),
#include "cordon/syscall_groups.def"
#undef CORDON_GROUP
	CORDON_SYS_ALL = 0
#define CORDON_GROUP(id, bit, name, what) | CORDON_SYS_##id
#include "cordon/syscall_groups.def"
#undef CORDON_GROUP
};

/* The group column of syscalls.def besides the granted groups: ALWAYS
 * (whatever the policy says) and NEVER (no policy grants it). */
#define CORDON_SYS_ALWAYS 0u
#define CORDON_SYS_NEVER  (1u << 30)

/* process column: how cordon-host's seccomp filter treats a call */
enum cordon_proc_rule {
	CORDON_PROC_ALLOW,       /* when its group is granted */
	CORDON_PROC_ALWAYS,      /* whatever the policy grants (see why) */
	CORDON_PROC_PATH,        /* granted, and Landlock confines the paths */
	CORDON_PROC_NOEXEC,      /* granted, arg 2 (prot) without PROT_EXEC */
	CORDON_PROC_SELF,        /* granted, arg 0 is the host's own pid */
	CORDON_PROC_SELF_THREAD, /* granted, arg 0 is the pid or one of its threads */
	CORDON_PROC_FCNTL,       /* granted, arg 1 one of cordon_fcntl_cmds */
	CORDON_PROC_DENY,        /* never: fails with the row's errno */
};

/* uswitch column: how a kernel context's seccomp filter treats it */
enum cordon_kctx_rule {
	CORDON_KCTX_ALLOW,  /* when its group is granted, straight to the kernel */
	CORDON_KCTX_PATH,   /* granted, and the context has a data directory as "/" */
	CORDON_KCTX_FCNTL,  /* granted, arg 1 one of cordon_fcntl_cmds */
	CORDON_KCTX_TRAP,   /* granted: SECCOMP_RET_TRAP, vsys runs it as on mpk */
	CORDON_KCTX_DENY,   /* never: fails with the row's errno */
};

#endif
