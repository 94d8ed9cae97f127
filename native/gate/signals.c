/*
 * Signals for the mpk backend: one front handler (gate.S) in front of
 * every signal that matters, chaining to the handler that was there before
 * (HotSpot's, the application's) exactly as the kernel would have run it.
 *
 * Installed for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP (a domain's
 * faults), SIGSYS (its system calls, trapped by Syscall User Dispatch),
 * the deadline signal, and every other signal that has a handler at
 * install time. Each front takes the old handler's mask and SA_RESTART /
 * SA_NODEFER, so that the mask a chained handler runs with is the one it
 * asked for, with SA_ONSTACK added (the thread's stack may be a domain's).
 *
 * glibc's own signals (cancellation and setxid, 32 and 33), which its
 * sigaction() refuses, are fronted through the kernel's rt_sigaction: their
 * handlers use glibc's TLS, which a thread inside a domain does not have in
 * FS, and make system calls, which Syscall User Dispatch blocks there.
 * glibc (>= 2.34) installs them late: setxid's at the process's first
 * pthread_create, cancellation's at the first pthread_cancel (see
 * glibc_handlers_early and gate_signals_refresh).
 *
 * The deadline signal is SIGRTMIN + 6 (40 with glibc): glibc keeps 32 and
 * 33, and libraries that take a real-time signal (timers, profilers) take
 * the first ones. Ours carry si_code SI_QUEUE, si_errno GATE_SIG_MAGIC and
 * our pid; anything else on that number is someone else's and is chained.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gate.h"
#include "signals_domain.h"

#define NSIG_MAX 64
#define GATE_SIG_MAGIC 0x434f5244
#define KILL_BIT (1ull << 63)
#define GLIBC_SIGSETXID 33

/* The handler each front chains to, in two slots: gate_signals_refresh
 * writes the slot not in use, then flips, so a handler running on another
 * thread never reads a half-written action. */
static struct sigaction olds[2][NSIG_MAX + 1];
static _Atomic unsigned char slot[NSIG_MAX + 1];
static unsigned char ours[NSIG_MAX + 1];
/* our front runs with more blocked than the domain had: a direct resume
 * must put the domain's mask back */
static unsigned char unmask[NSIG_MAX + 1];
static int deadline_sig;
/* where every front returns (gate.S jumps there: the frame's slot for it
 * is zeroed at entry, so that no frame is taken twice) */
uintptr_t gate_restorer;
/* glibc's own signals: their restorer, for the kernel's rt_sigaction */
static void (*internal[NSIG_MAX + 1])(void);

/* the kernel's struct sigaction on x86-64 */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
#define KSA_RESTORER 0x04000000

/* An action glibc's sigaction() refused to show: the kernel's, as a
 * struct sigaction, its restorer kept. 0 or -1. */
static int query_internal(int sig, struct sigaction *out)
{
	struct ksigaction k;

	if (syscall(SYS_rt_sigaction, sig, NULL, &k, 8) || !(k.flags & KSA_RESTORER) ||
	    !k.handler)
		return -1;
	memset(out, 0, sizeof(*out));
	out->sa_handler = (void (*)(int))k.handler;
	out->sa_flags = (int)(k.flags & ~KSA_RESTORER);
	memcpy(&out->sa_mask, &k.mask, sizeof(k.mask));
	internal[sig] = k.restorer;
	return 0;
}

static int set_action(int sig, const struct sigaction *sa)
{
	struct ksigaction k;

	if (!internal[sig])
		return sigaction(sig, sa, NULL) ? -errno : 0;
	k.handler = (void *)sa->sa_sigaction;
	k.flags = (unsigned long)sa->sa_flags | KSA_RESTORER;
	k.restorer = internal[sig];
	memcpy(&k.mask, &sa->sa_mask, sizeof(k.mask));
	return syscall(SYS_rt_sigaction, sig, &k, NULL, 8) ? -errno : 0;
}

int gate_signal_number(void)
{
	return deadline_sig;
}

static int is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP;
}

static struct sigaction *old_of(int sig)
{
	return &olds[atomic_load_explicit(&slot[sig], memory_order_acquire)][sig];
}

static int has_handler(const struct sigaction *sa)
{
	return sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN;
}

/* The restorer the kernel will put under our front's frames: one for all
 * (glibc's __restore_rt), or the front could not return. */
static int note_restorer(int sig)
{
	struct ksigaction k;

	if (syscall(SYS_rt_sigaction, sig, NULL, &k, 8) || !(k.flags & KSA_RESTORER))
		return -EINVAL;
	if (!gate_restorer)
		gate_restorer = (uintptr_t)k.restorer;
	return gate_restorer == (uintptr_t)k.restorer ? 0 : -EINVAL;
}

static int install(int sig)
{
	struct sigaction sa;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = gate_signal_front;
	if (has_handler(old_of(sig))) {
		sa.sa_mask = old_of(sig)->sa_mask;
		sa.sa_flags = old_of(sig)->sa_flags & ~SA_RESETHAND;
	} else {
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_NODEFER;
	}
	if (sig == SIGSYS)
		sa.sa_flags |= SA_NODEFER; /* a blocked SIGSYS kills */
	if (sig == deadline_sig) {
		sigemptyset(&sa.sa_mask);
		/* interrupts blocking syscalls run for a domain */
		sa.sa_flags = SA_NODEFER;
	}
	sa.sa_flags |= SA_SIGINFO | SA_ONSTACK;
	rc = set_action(sig, &sa);
	if (rc)
		return rc;
	rc = note_restorer(sig);
	if (rc)
		return rc;
	ours[sig] = 1;
	unmask[sig] = !(sa.sa_flags & SA_NODEFER) || !sigisemptyset(&sa.sa_mask);
	return 0;
}

static void *no_op(void *arg)
{
	return arg;
}

/*
 * glibc >= 2.34 installs its setxid handler (signal 33) only at the
 * process's first pthread_create. In a process with no thread yet when the
 * fronts go in (gate-vm-test; not the JVM) 33 had no handler to front, and
 * glibc's then went in unfronted: setuid() on another thread ran it
 * directly on a thread inside a domain, with the domain's FS and SUD
 * selector, under the kernel's signal PKRU (key 0 only). Its first syscall
 * (getpid) went to SUD, which could not read the selector (switch key) and
 * killed the process with SIGSEGV. A thread started and joined here makes
 * glibc install it before us; a later one is caught by the refresh.
 */
static void glibc_handlers_early(void)
{
	struct ksigaction k;
	pthread_t t;

	if (syscall(SYS_rt_sigaction, GLIBC_SIGSETXID, NULL, &k, 8) || k.handler)
		return;
	if (!pthread_create(&t, NULL, no_op, NULL))
		pthread_join(t, NULL);
}

int gate_signals_install(void)
{
	int sig, rc;

	glibc_handlers_early();
	deadline_sig = SIGRTMIN + 6;
	for (sig = 1; sig <= NSIG_MAX; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, old_of(sig)) && query_internal(sig, old_of(sig)))
			continue;
		if (!is_fault_signal(sig) && sig != SIGSYS && sig != deadline_sig &&
		    !has_handler(old_of(sig)))
			continue;
		rc = install(sig);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * A handler installed after ours (a profiler attached later, an
 * application's signal handling set up late) replaces the front, and would
 * then run in a domain's state if its signal hit a thread inside one. Put
 * the front back in front of it. Called by attach, by the call that wakes
 * the watchdog after a quiet spell, and by the watchdog about every 10 ms
 * while calls run; a handler installed during a run of calls is not
 * covered until then.
 */
void gate_signals_refresh(void)
{
	static atomic_flag busy = ATOMIC_FLAG_INIT;
	struct sigaction cur;
	unsigned char next;
	int sig;

	if (atomic_flag_test_and_set(&busy))
		return;
	for (sig = 1; sig <= NSIG_MAX; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* glibc's 32 and 33, installed after us (pthread_cancel's
		 * first use): only the kernel shows them */
		if (sigaction(sig, NULL, &cur) && query_internal(sig, &cur))
			continue;
		if (cur.sa_sigaction == gate_signal_front || !has_handler(&cur))
			continue; /* ours; or reset to default by its owner: respected */
		next = !atomic_load_explicit(&slot[sig], memory_order_relaxed);
		olds[next][sig] = cur;
		atomic_store_explicit(&slot[sig], next, memory_order_release);
		install(sig);
	}
	atomic_flag_clear(&busy);
}

/* --- chaining --- */

static void default_action(int sig, siginfo_t *si, ucontext_t *uc)
{
	struct sigaction dfl;

	if (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT)
		return;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	ours[sig] = 0;
	/* a fault happens again when the instruction runs again */
	if (si->si_code > 0 && (is_fault_signal(sig) || sig == SIGSYS))
		return;
	if (uc)
		sigdelset(&uc->uc_sigmask, sig);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
}

/* Run the old handler as the kernel would have run it. */
static void chain(int sig, siginfo_t *si, ucontext_t *uc)
{
	struct sigaction *o = old_of(sig);

	if (!has_handler(o)) {
		if (o->sa_handler == SIG_DFL)
			default_action(sig, si, uc);
		return;
	}
	if (o->sa_flags & SA_SIGINFO) {
		void (*h)(int, siginfo_t *, void *) = o->sa_sigaction;

		if (o->sa_flags & SA_RESETHAND)
			o->sa_handler = SIG_DFL;
		h(sig, si, uc);
	} else {
		void (*h)(int) = o->sa_handler;

		if (o->sa_flags & SA_RESETHAND)
			o->sa_handler = SIG_DFL;
		h(sig);
	}
}

/* A thread that never attached: nothing of ours is on it. */
void gate_signal_foreign(int sig, siginfo_t *si, void *uc)
{
	int e = errno;

	if (sig > 0 && sig <= NSIG_MAX)
		chain(sig, si, uc);
	errno = e;
}

/* --- the deadline signal --- */

static int is_ours(int sig, const siginfo_t *si)
{
	return sig == deadline_sig && si->si_code == SI_QUEUE &&
	       si->si_errno == GATE_SIG_MAGIC && si->si_pid == getpid();
}

void gate_send(struct gate_record *r, uint64_t gen, int kill)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = deadline_sig;
	si.si_code = SI_QUEUE;
	si.si_errno = GATE_SIG_MAGIC;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_ptr = (void *)(uintptr_t)(gen | (kill ? KILL_BIT : 0));
	syscall(SYS_rt_tgsigqueueinfo, getpid(), r->tid, deadline_sig, &si);
}

/* ... decoded: CORDON_CALL_TIMEOUT or _DEAD if it ends the call now in
 * flight on r, else 0 (stale, or the deadline not reached). */
static int deadline_verdict(struct gate_record *r, const siginfo_t *si)
{
	uint64_t v = (uint64_t)(uintptr_t)si->si_value.sival_ptr, gen = v & ~KILL_BIT;
	struct cordon_mpk_domain *d = r->domain;

	if (!d || gen != atomic_load(&r->gen))
		return 0;
	if ((v & KILL_BIT) || atomic_load(&d->dead))
		return CORDON_CALL_DEAD;
	/* the watchdog's deadline for this very call (watchdog.c), if it set one */
	if (atomic_load(&r->timeout) && atomic_load(&r->deadline_gen) == gen &&
	    gate_now_ns() >= atomic_load(&r->deadline))
		return CORDON_CALL_TIMEOUT;
	return 0;
}

/* --- the front's C half --- */

int gate_signal_c(int sig, siginfo_t *si, ucontext_t *uc, uintptr_t block,
		  const struct gate_front *st)
{
	struct gate_record *r = gate_block_record(block);
	int e = errno, rc, kind;

	if (sig < 1 || sig > NSIG_MAX)
		return 0;
	if (gate_on_domain_side(r, uc, st)) {
		rc = gate_domain_signal(r, sig, si, uc, st, e, unmask[sig],
					is_ours(sig, si) ? deadline_verdict(r, si) : -1);
		errno = e;
		return rc;
	}
	if (is_ours(sig, si)) {
		/* trusted code of a call in flight (a syscall run for the
		 * domain, a chained handler): abort at the next resume */
		kind = deadline_verdict(r, si);
		if (kind) {
			if (kind == CORDON_CALL_TIMEOUT)
				gate_domain_die(r->domain, "call past its deadline");
			r->abort_status = (uint32_t)kind;
			r->sw->pending = 1;
		}
	} else {
		chain(sig, si, uc);
	}
	errno = e;
	return 0;
}

void gate_chain(int sig, siginfo_t *si, ucontext_t *uc)
{
	chain(sig, si, uc);
}
