/*
 * A signal that interrupted the domain side of a call: a fault of the
 * domain (the call is aborted and the domain dies), a system call trapped
 * by Syscall User Dispatch (mpk) or by the context's seccomp filter
 * (uswitch: memory, signal and process calls) and run by vsys, then the
 * domain resumed, the
 * deadline or kill signal, or any other signal (run by the old handler in
 * trusted state, then the domain resumed). The domain is resumed directly
 * by gate_resume, never by rt_sigreturn.
 *
 * Which side a context is on: the switch page's side says DOMAIN for domain code and
 * for the gate's entry window; the gate's own windows are told apart by
 * their labels. In the leave window the PKRU saved in the signal frame
 * decides: 0 there means the gate's own trusted code, anything else a
 * domain that jumped into it without passing the return stub's WRPKRU.
 * The same for the signal front: the kernel enters it with key 0 open, a
 * domain's PKRU has key 0 closed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>

#include "signals_domain.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif
#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH 2
#endif
#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif
#define XSTATE_MAGIC 0x46505853u
#define XSAVE_HDR 512

struct fpx_sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size, padding[7];
};

static int is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP;
}

static int in(uintptr_t ip, const char *lo, const char *hi)
{
	return ip >= (uintptr_t)lo && ip < (uintptr_t)hi;
}

static const struct fpx_sw_bytes *sw_bytes(const ucontext_t *uc)
{
	const char *fp = (const char *)uc->uc_mcontext.fpregs;
	const struct fpx_sw_bytes *sw;

	if (!fp)
		return NULL;
	sw = (const struct fpx_sw_bytes *)(fp + 464);
	return sw->magic1 == XSTATE_MAGIC ? sw : NULL;
}

/* The PKRU of the interrupted context, from the signal frame. */
static uint32_t frame_pkru(const ucontext_t *uc)
{
	const struct fpx_sw_bytes *sw = sw_bytes(uc);
	const char *fp = (const char *)uc->uc_mcontext.fpregs;
	uint64_t bv;

	if (!sw || gate_g.pkey_off + 4 > sw->xstate_size)
		return 0xffffffffu; /* unknown: not trusted */
	memcpy(&bv, fp + XSAVE_HDR, sizeof(bv));
	if (!(bv & (1ull << 9)))
		return 0; /* init state */
	return *(const uint32_t *)(fp + gate_g.pkey_off);
}

int gate_on_domain_side(struct gate_record *r, ucontext_t *uc, const struct gate_front *st)
{
	uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	if (!r->domain)
		return GATE_SIDE_TRUSTED;
	/* the front runs with key 0 open (the kernel's init PKRU, then 0);
	 * a domain that jumped into it has key 0 closed */
	if (in(ip, gate_front_start, gate_front_end))
		return !gate_pku || !(frame_pkru(uc) & 3) ? GATE_SIDE_TRUSTED : GATE_SIDE_DOMAIN;
	if (in(ip, gate_resume_window, gate_resume_window_end))
		return GATE_SIDE_RESUME;
	if (in(ip, gate_ret_window, gate_ret_window_end))
		return !gate_pku || frame_pkru(uc) == 0 ? GATE_SIDE_TRUSTED : GATE_SIDE_DOMAIN;
	return st->side == SIDE_DOMAIN ? GATE_SIDE_DOMAIN : GATE_SIDE_TRUSTED;
}

/* Interrupted inside the return or abort stub after its WRPKRU and before
 * the check: go back to the WRPKRU (r8 still holds the result). */
static uintptr_t rewind_ip(uintptr_t ip)
{
	if (ip > (uintptr_t)gate_return_pkru && ip < (uintptr_t)gate_abort)
		return (uintptr_t)gate_return_pkru;
	if (ip > (uintptr_t)gate_abort_pkru && ip < (uintptr_t)gate_ret_window)
		return (uintptr_t)gate_abort_pkru;
	return ip;
}

static const int reg_of[S_COUNT] = {
	REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP, REG_RSP,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	REG_RIP, REG_EFL,
};

/* The interrupted domain context into the lane's slots and the record. */
static void capture(struct gate_record *r, const ucontext_t *uc, uint64_t *s)
{
	const struct fpx_sw_bytes *sw = sw_bytes(uc);
	char *x = (char *)r + REC_XSAVE;
	size_t n;
	int i;

	for (i = 0; i < S_COUNT; i++)
		s[i] = (uint64_t)uc->uc_mcontext.gregs[reg_of[i]];
	s[S_RIP] = rewind_ip(s[S_RIP]);
	if (sw && sw->xstate_size >= XSAVE_HDR + 64 && sw->xstate_size <= REC_XSAVE_MAX) {
		memcpy(x, uc->uc_mcontext.fpregs, sw->xstate_size);
		return;
	}
	/* legacy frame: x87 and SSE only, the rest to its init state */
	n = XSAVE_HDR;
	memcpy(x, uc->uc_mcontext.fpregs, n);
	memset(x + n, 0, 64);
	x[n] = 3;
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case SIGSYS: return "SIGSYS";
	}
	return "signal";
}

static const char *code_name(int sig, int code)
{
	if (sig == SIGSEGV)
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
		case SEGV_PKUERR: return "SEGV_PKUERR";
		case SI_KERNEL: return "general protection";
		}
	if (sig == SIGILL)
		return code == ILL_ILLOPN ? "ILL_ILLOPN" : "ILL_ILLOPC";
	if (sig == SIGFPE)
		return code == FPE_INTDIV ? "FPE_INTDIV" : "FPE";
	if (sig == SIGBUS)
		return code == BUS_ADRALN ? "BUS_ADRALN: alignment check (AC)" : "BUS";
	if (sig == SIGTRAP)
		return code == TRAP_TRACE ? "TRAP_TRACE: single-step, the trap flag (TF) set"
					  : "TRAP_BRKPT";
	return "fault";
}

/* "native fault: SIGSEGV (SEGV_PKUERR) at 0x..., key 3, ip image+0x1234" */
static void describe(char *buf, size_t len, struct cordon_mpk_domain *d, int sig,
		     const siginfo_t *si, uintptr_t ip, const ucontext_t *uc)
{
	uintptr_t lo = (uintptr_t)d->base, hi = lo + d->size;
	int n;

	if (sig == SIGILL && d->bad_target && ip == d->bad_target) {
		/* a CHECK failed (CONFINEMENT.md): the target is r10 + r11 there */
		snprintf(buf, len, "control-flow check: a branch or return to %#llx, which is "
			 "not an instruction the verifier permits (the image's __cordon_bad_target)",
			 (unsigned long long)(uc->uc_mcontext.gregs[REG_R10] +
					      uc->uc_mcontext.gregs[REG_R11]));
		return;
	}
	n = snprintf(buf, len, "native fault: %s (%s) at %p", sig_name(sig),
		     code_name(sig, si->si_code), si->si_addr);
	if (n < 0 || (size_t)n >= len)
		return;
	if (sig == SIGSEGV && si->si_code == SEGV_PKUERR)
		n += snprintf(buf + n, len - (size_t)n, ", key %u", (unsigned)si->si_pkey);
	if ((size_t)n >= len)
		return;
	if (ip >= lo && ip < hi)
		snprintf(buf + n, len - (size_t)n, ", ip image+0x%lx", (unsigned long)(ip - lo));
	else if (in(ip, (char *)gate_enter, gate_front_end))
		snprintf(buf + n, len - (size_t)n, ", ip in the gate (%p)", (void *)ip);
	else
		snprintf(buf + n, len - (size_t)n, ", ip %p outside the domain", (void *)ip);
}

/* The PKRU that rt_sigreturn will restore: the domain's expected one,
 * whatever the domain had (a PKRU that closes the switch key, after an
 * XRSTOR gadget or gate_bad's, would fault the abort stub forever). */
static void set_frame_pkru(ucontext_t *uc, uint32_t pkru)
{
	const struct fpx_sw_bytes *sw = sw_bytes(uc);
	char *fp = (char *)uc->uc_mcontext.fpregs;
	uint64_t bv;

	if (!gate_pku || !sw || gate_g.pkey_off + 4 > sw->xstate_size)
		return;
	memcpy(&bv, fp + XSAVE_HDR, sizeof(bv));
	bv |= 1ull << 9;
	memcpy(fp + XSAVE_HDR, &bv, sizeof(bv));
	memcpy(fp + gate_g.pkey_off, &pkru, sizeof(pkru));
}

/* sigcontext's cs, gs, fs and ss, 16 bits each, in one greg */
static uint16_t frame_cs(const ucontext_t *uc)
{
	return (uint16_t)uc->uc_mcontext.gregs[REG_CSGSFS];
}

/* End the call: the front returns through rt_sigreturn into gate_abort,
 * in 64-bit mode with the user stack segment whatever the domain had
 * (a domain in compatibility mode has CS 0x23 in its frame). */
static int abort_call(struct gate_record *r, ucontext_t *uc, int status, const char *why)
{
	if (why)
		gate_domain_die(r->domain, why);
	r->abort_status = (uint32_t)status;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)gate_abort;
	uc->uc_mcontext.gregs[REG_EFL] = GATE_RFLAGS_CLEAN;
	uc->uc_mcontext.gregs[REG_CSGSFS] =
		(greg_t)(GATE_USER_CS | ((uint64_t)GATE_USER_DS << 48));
	set_frame_pkru(uc, r->sw->expected);
	return 1;
}

__attribute__((noreturn))
static void resume(struct gate_record *r, int saved_errno, int unmask)
{
	struct gate_lane *ln = &r->domain->lanes[r->lane];

	if (unmask)
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &r->domain_mask, NULL, 8);
	errno = saved_errno;
	gate_resume(r, ln->tb);
}

static int syscall_for_domain(struct gate_record *r, siginfo_t *si, ucontext_t *uc,
			      uint64_t *s, int saved_errno, int unmask)
{
	long args[6] = { (long)s[S_RDI], (long)s[S_RSI], (long)s[S_RDX],
			 (long)s[S_R10], (long)s[S_R8], (long)s[S_R9] };
	enum vsys_outcome out = VSYS_RETURN;
	char why[128] = "";
	char reason[GATE_REASON];
	long res;

	if (si->si_arch != AUDIT_ARCH_X86_64)
		res = -ENOSYS; /* int $0x80 and the like */
	else
		res = vsys_dispatch(&r->domain->vsys, si->si_syscall, args, &out,
				    why, sizeof(why));
	if (out == VSYS_END_CALL) {
		snprintf(reason, sizeof(reason), "domain ended itself: %s", why);
		return abort_call(r, uc, CORDON_CALL_FAULT, reason);
	}
	s[S_RAX] = (uint64_t)res;
	resume(r, saved_errno, unmask);
}

/* How the domain's trapped system calls arrive: SUD for mpk domains, the
 * context's seccomp filter (SECCOMP_RET_TRAP) for uswitch ones. */
static int trap_code(const struct cordon_mpk_domain *d)
{
	return d->kctx ? SYS_SECCOMP : SYS_USER_DISPATCH;
}

int gate_domain_signal(struct gate_record *r, int sig, siginfo_t *si, ucontext_t *uc,
		       const struct gate_front *st, int saved_errno, int unmask,
		       int verdict)
{
	struct cordon_mpk_domain *d = r->domain;
	uint64_t *s = gate_slots(d->lanes[r->lane].tb);
	uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	char reason[GATE_REASON];
	int side = gate_on_domain_side(r, uc, st);

	r->domain_mask = uc->uc_sigmask;
	if (side == GATE_SIDE_DOMAIN) {
		capture(r, uc, s);
		if (st->gs != (uintptr_t)r->sw)
			return abort_call(r, uc, CORDON_CALL_FAULT,
					  "native fault: the domain changed its GS base");
		/* gate_resume returns in 64-bit mode only */
		if (frame_cs(uc) != GATE_USER_CS && verdict <= 0) {
			snprintf(reason, sizeof(reason), "native fault: the domain left 64-bit "
				 "mode (CS %#x, %s)", frame_cs(uc), sig_name(sig));
			return abort_call(r, uc, CORDON_CALL_FAULT, reason);
		}
	}
	if ((is_fault(sig) && si->si_code > 0) ||
	    (sig == SIGSYS && si->si_code != trap_code(d) && si->si_code > 0)) {
		describe(reason, sizeof(reason), d, sig, si, ip, uc);
		return abort_call(r, uc, CORDON_CALL_FAULT, reason);
	}
	if (sig == SIGSYS && si->si_code == trap_code(d))
		return syscall_for_domain(r, si, uc, s, saved_errno, unmask);
	if (verdict == CORDON_CALL_TIMEOUT)
		return abort_call(r, uc, verdict, "call past its deadline");
	if (verdict == CORDON_CALL_DEAD)
		return abort_call(r, uc, verdict, NULL);
	if (verdict < 0)
		gate_chain(sig, si, uc);
	resume(r, saved_errno, unmask);
}
