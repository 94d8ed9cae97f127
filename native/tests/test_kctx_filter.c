/*
 * The seccomp program of a uswitch domain's kernel context (gate/
 * kctx_filter.c), run here through a small classic-BPF interpreter for
 * every system call number: the verdict each policy gives (allow, trap to
 * vsys, EPERM; the policy table, cordon/syscalls.def), that nothing else is reachable, and that the program stays
 * a short search (the kernel runs it for every number when it is attached).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "../gate/kctx.h"
#include "bpf_run.h"
#include "harness.h"
#include "suites.h"

#define MAX_INSNS GATE_KCTX_FILTER_MAX
#define BAD BPF_RUN_BAD

/* the verdict of prog for (arch, nr), arguments 0; *steps: instructions
 * executed; *args: whether it looked at an argument */
static unsigned run(const struct sock_filter *prog, int len, unsigned arch, unsigned nr,
		    int *steps, int *args)
{
	struct bpf_data d = { .nr = nr, .arch = arch };
	struct bpf_steps st;
	unsigned v = bpf_run((const struct bpf_insn *)prog, len, &d, &st);

	*steps = st.steps;
	if (args)
		*args = st.arg_loads > 0;
	return v;
}

struct expect {
	const char *name;
	unsigned nr;
	/* the verdict under each policy */
	unsigned io, io_dir, time, random, none, all;
};

#define A SECCOMP_RET_ALLOW
#define T SECCOMP_RET_TRAP
#define D (SECCOMP_RET_ERRNO | EPERM)
#define N (SECCOMP_RET_ERRNO | ENOTTY)

static const struct expect cases[] = {
	{ "read", SYS_read, A, A, D, D, D, A },
	{ "close", SYS_close, A, A, D, D, D, A },
	{ "dup3", SYS_dup3, A, A, D, D, D, A },
	{ "openat", SYS_openat, D, A, D, D, D, A },
	{ "unlinkat", SYS_unlinkat, D, A, D, D, D, A },
	{ "clock_gettime", SYS_clock_gettime, D, D, A, D, D, A },
	{ "nanosleep", SYS_nanosleep, D, D, A, D, D, A },
	{ "getrandom", SYS_getrandom, D, D, D, A, D, A },
	{ "sched_yield", SYS_sched_yield, A, A, A, A, A, A },
	{ "restart_syscall", SYS_restart_syscall, A, A, A, A, A, A },
	/* trapped where granted; a withheld group fails here already */
	{ "mmap", SYS_mmap, D, D, D, D, D, T },
	{ "futex", SYS_futex, T, T, T, T, T, T },
	{ "exit_group", SYS_exit_group, T, T, T, T, T, T },
	{ "rt_sigaction", SYS_rt_sigaction, D, D, D, D, D, T },
	{ "truncate", SYS_truncate, D, A, D, D, D, A },
	{ "ioctl", SYS_ioctl, N, N, D, D, D, N },
	{ "rt_sigreturn", SYS_rt_sigreturn, D, D, D, D, D, D },
	{ "arch_prctl", SYS_arch_prctl, D, D, D, D, D, D },
	{ "prctl", SYS_prctl, D, D, D, D, D, D },
	{ "socket", SYS_socket, D, D, D, D, D, D },
	{ "execve", SYS_execve, D, D, D, D, D, D },
	{ "ptrace", SYS_ptrace, D, D, D, D, D, D },
	{ "process_vm_writev", SYS_process_vm_writev, D, D, D, D, D, D },
	{ "x32 read", 0x40000000u | SYS_read, D, D, D, D, D, D },
	{ "-1", ~0u, D, D, D, D, D, D },
};

static const struct {
	const char *name;
	unsigned groups;
	int dir;
} policies[] = {
	{ "io", CORDON_SYS_IO, 0 },
	{ "io+data dir", CORDON_SYS_IO, 1 },
	{ "time", CORDON_SYS_TIME, 1 },
	{ "random", CORDON_SYS_RANDOM, 1 },
	{ "none", 0, 1 },
	{ "all+data dir", CORDON_SYS_ALL, 1 },
};

static unsigned expected(const struct expect *e, size_t policy)
{
	const unsigned v[] = { e->io, e->io_dir, e->time, e->random, e->none, e->all };

	return v[policy];
}

static void check_policy(size_t p)
{
	struct sock_filter prog[MAX_INSNS];
	int len, steps, most = 0, bad = 0, i386, nr, args, uncached = 0;
	size_t i;

	len = gate_kctx_filter(policies[p].groups, policies[p].dir, prog, MAX_INSNS);
	if (!check(len > 0, "filter %s: built (%d instructions)", policies[p].name, len))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned got = run(prog, len, AUDIT_ARCH_X86_64, cases[i].nr, &steps, NULL);

		check(got == expected(&cases[i], p), "filter %s: %s gives %#x (want %#x)",
		      policies[p].name, cases[i].name, got, expected(&cases[i], p));
	}
	for (nr = 0; nr < 1024; nr++) {
		unsigned got = run(prog, len, AUDIT_ARCH_X86_64, (unsigned)nr, &steps, &args);

		bad += got != A && got != T && got != D && got != (SECCOMP_RET_ERRNO | ENOTTY);
		/* the kernel caches a verdict only where no argument is read */
		uncached += args && nr != SYS_fcntl;
		if (steps > most)
			most = steps;
	}
	i386 = run(prog, len, AUDIT_ARCH_I386, SYS_read, &steps, NULL) == D;
	check(!bad, "filter %s: numbers 0..1023 all end in allow, trap, EPERM or ENOTTY "
	      "(%d do not)", policies[p].name, bad);
	check(!uncached, "filter %s: only fcntl looks at an argument (%d others do)",
	      policies[p].name, uncached);
	check(i386, "filter %s: another architecture gets EPERM", policies[p].name);
	check(most <= 16, "filter %s: a search, at most 16 instructions for any number (%d)",
	      policies[p].name, most);
}

void test_kctx_filter(void)
{
	struct sock_filter small[8];
	size_t p;

	suite("kctx_filter");
	for (p = 0; p < sizeof(policies) / sizeof(policies[0]); p++)
		check_policy(p);
	check(gate_kctx_filter(CORDON_SYS_IO | CORDON_SYS_TIME | CORDON_SYS_RANDOM, 1, small, 8) ==
		      -E2BIG, "filter: a buffer too small gives -E2BIG");
}
