/*
 * The domain as a process: a fixed virtual pid (VSYS_PID, also its only
 * thread id: a domain's thread identity is its lane's thread block, which
 * the gate sets up), exit, futexes on its own memory, and signals.
 *
 * Signals are never delivered for real, and never change real signal
 * state. Every tkill and tgkill a domain makes is taken as aimed at
 * itself (musl's raise reads the tid from the domain's own thread block,
 * so it may be any value), and so is kill(VSYS_PID); kill of any other pid
 * is refused with EPERM. A signal aimed at itself whose default action ends a process
 * ends the call (VSYS_END_CALL, "raise(SIGABRT)"); one Linux ignores by
 * default, a stop signal, or signal 0 returns 0 with nothing done.
 * rt_sigprocmask pretends: the mask a domain sees is always empty.
 * rt_sigaction accepts SIG_DFL only (what musl's abort sets) and reports
 * every action as SIG_DFL; a handler, or SIG_IGN, is refused with EPERM,
 * honestly, since none would ever run. sigaltstack and rt_sigreturn are
 * not in the table: EPERM.
 */
#include <errno.h>
#include <signal.h>
#include <linux/futex.h>

#include "vsys_int.h"

#define SIGSET_SIZE 8
#define KSIGACTION_SIZE 32 /* handler, flags, restorer, mask */
#define NSIG_LINUX 64

static const char *const names[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

long vsys_getpid(struct vsys_call *c)
{
	(void)c;
	return VSYS_PID;
}

long vsys_getppid(struct vsys_call *c)
{
	(void)c;
	return 0;
}

long vsys_sched_yield(struct vsys_call *c)
{
	(void)c;
	return vsys_sys(SYS_sched_yield, 0, 0, 0);
}

long vsys_exit(struct vsys_call *c)
{
	char num[24];

	return vsys_end(c, "exit(", vsys_utoa(num, (unsigned long)c->a[0] & 0xff), ")");
}

/* what a signal sent to itself does: 0, -EINVAL, or the end of the call */
static long signal_self(struct vsys_call *c, long arg)
{
	int sig = (int)arg;
	char num[24];

	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	switch (sig) {
	case 0:
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH: /* ignored */
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: /* never stopped */
		return 0;
	}
	if (sig < 32)
		return vsys_end(c, "raise(", names[sig], ")");
	return vsys_end(c, "raise(signal ", vsys_utoa(num, (unsigned long)sig), ")");
}

/* kill(2) names a process: only the domain's own virtual pid is itself.
 * Any other pid (its "parent", 0 for its group, -1 for everyone) is
 * outside the domain: EPERM, as for a process without the right. */
long vsys_kill(struct vsys_call *c)
{
	if ((long)(int)c->a[0] != VSYS_PID)
		return -EPERM;
	return signal_self(c, c->a[1]);
}

long vsys_tkill(struct vsys_call *c)
{
	return signal_self(c, c->a[1]);
}

long vsys_tgkill(struct vsys_call *c)
{
	return signal_self(c, c->a[2]);
}

long vsys_rt_sigprocmask(struct vsys_call *c)
{
	static const uint64_t empty;
	int how = (int)c->a[0];

	if (c->a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (c->a[1] && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (!vsys_in_region_or_null(c->v, (uintptr_t)c->a[1], SIGSET_SIZE))
		return -EFAULT;
	if (c->a[2])
		return vsys_copy_out(c->v, (uintptr_t)c->a[2], &empty, SIGSET_SIZE);
	return 0;
}

long vsys_rt_sigaction(struct vsys_call *c)
{
	static const unsigned char dfl[KSIGACTION_SIZE];
	int sig = (int)c->a[0];
	uint64_t handler;
	long rc;

	if (c->a[3] != SIGSET_SIZE || sig < 1 || sig > NSIG_LINUX)
		return -EINVAL;
	if (c->a[1]) {
		rc = vsys_copy_in(c->v, &handler, (uintptr_t)c->a[1], sizeof(handler));
		if (rc)
			return rc;
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (handler != (uint64_t)(uintptr_t)SIG_DFL)
			return -EPERM;
	}
	if (c->a[2])
		return vsys_copy_out(c->v, (uintptr_t)c->a[2], dfl, sizeof(dfl));
	return 0;
}

/* futex: wait and wake (also with a bitset), requeue, on words of the
 * region only; PI and WAKE_OP are refused */
long vsys_futex(struct vsys_call *c)
{
	const long *a = c->a;
	int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;

	if (!vsys_in_region(c->v, (uintptr_t)a[0], 4))
		return -EFAULT;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (!vsys_in_region_or_null(c->v, (uintptr_t)a[3], 16))
			return -EFAULT;
		return vsys_sys6(SYS_futex, a[0], op, a[2], a[3], 0,
				 cmd == FUTEX_WAIT ? 0 : a[5]);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return vsys_sys6(SYS_futex, a[0], op, a[2], 0, 0,
				 cmd == FUTEX_WAKE ? 0 : a[5]);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if (!vsys_in_region(c->v, (uintptr_t)a[4], 4))
			return -EFAULT;
		return vsys_sys6(SYS_futex, a[0], op, a[2], a[3], a[4],
				 cmd == FUTEX_REQUEUE ? 0 : a[5]);
	default:
		return -EPERM;
	}
}
