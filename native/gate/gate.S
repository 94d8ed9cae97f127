/*
 * The gate of the mpk backend, x86-64 (DESIGN.md section 4; gate.h has the
 * layouts). Every WRPKRU, XRSTOR, WRFSBASE and WRGSBASE of Cordon's trusted
 * code is in this file or in thread.c's wrgsbase(), each at a label of its
 * own (tests/test_gate.c keeps the inventory), and each is safe when a
 * domain jumps straight to it with registers, flags, stack and memory of
 * its choosing (ERIM's rule; domain code can jump anywhere, instruction
 * fetch ignores protection keys). The checks after them trust no register,
 * no stack and no memory a domain can write, and %gs only once CHECK_GS
 * has seen it point at a switch page (native/README.md, "The gate's
 * trusted instructions", has the argument):
 *
 *  W1 gate_entry_wrpkru: eax = %gs:expected; after: key 0 must be closed
 *     (an immediate test), GS a switch page, eax = %gs:expected.
 *  W2 gate_bad_wrpkru: every key closed (an immediate), then ud2.
 *  W3 gate_return_wrpkru / gate_abort_wrpkru: PKRU 0; after: GS a switch
 *     page (read from key-0 memory: a domain's PKRU faults there) whose
 *     in_call is 1: a domain gets an early return of its own call.
 *  W4 gate_front_wrpkru (signal front): PKRU 0 only if key 0 was open
 *     before (true on signal delivery, never in a domain); after: rsp on
 *     a signal stack at a kernel frame the front has not seen before
 *     (its restorer slot, zeroed by every front), si and uc from rsp.
 *  W5 gate_resume_xrstor: a feature mask without PKRU; after: GS a switch
 *     page whose side is TRUSTED (domain code always runs with DOMAIN);
 *     gate_resume_wrpkru as W1.
 *  W6 gate_attach_wrpkru: PKRU 0; after: GS a switch page, side TRUSTED.
 *  FS/GS writes (gate_*_wrfs, gate_*_wrgs): each followed by TRUSTED_ONLY,
 *     a read of key-0 memory that faults under every domain's PKRU, except
 *     gate_entry_wrfs, after which only domain-side code runs (W1 or the
 *     domain's own PKRU).
 * A domain cannot point %gs at another thread's switch page: it cannot
 * write GS (the image scan refuses WRGSBASE; a selector load gives a base
 * below 4 GiB, the arena is above), and every trusted WRGSBASE faults for
 * it; CHECK_GS turns anything else into gate_bad.
 *
 * On every way out of a domain the state a domain may leave is reset
 * before trusted code depends on it: flags, segment selectors and bases,
 * MXCSR, the x87 control word, its pending exceptions and its stack,
 * AVX's upper halves (gate_ret_window); the front clears the flags the
 * kernel leaves (AC), and abort_call (signals_domain.c) puts CS and SS
 * back.
 *
 * The domain side of a call runs with side DOMAIN, the SUD selector of the
 * domain (BLOCK for mpk, ALLOW for uswitch, whose system calls go to the
 * kernel) and want = its kernel context (0 for mpk); the trusted side
 * with TRUSTED, ALLOW and the root context.
 */
#include "gate.h"

#define WRPKRU .byte 0x0f, 0x01, 0xef
#define RDPKRU .byte 0x0f, 0x01, 0xee
#define SYS_sigaltstack 131

/* the kernel's x86-64 rt_sigframe at a handler's entry: the restorer's
 * address, struct ucontext (304 bytes), siginfo (128); the FPU state
 * follows, 64-aligned, fewer than 24 bytes further */
#define FRAME_UC      8
#define FRAME_INFO    (8 + 304)
#define FRAME_SIZE    (8 + 304 + 128)
#define FRAME_FPSTATE (FRAME_UC + 40 + 184) /* uc_mcontext.fpstate */
#define FRAME_FP_SLACK 24

/* a global label at an instruction the inventory lists */
.macro SITE name
	.globl \name
	.hidden \name
\name:
.endm

/* A read of key-0 memory (libcordon's own .bss, RIP-relative: nothing a
 * domain sets): passes only where key 0 is open, i.e. in trusted state. */
.macro TRUSTED_ONLY
	cmpb $0, gate_pku(%rip)
.endm

/* The same against libcordon's own copy (key 0): also TRUSTED_ONLY. */
.macro CHECK_GS_TRUSTED scratch
	rdgsbase \scratch
	sub gate_arena(%rip), \scratch
	cmp gate_arena_len(%rip), \scratch
	jae gate_bad
	test $(GATE_BLOCK_SIZE - 1), \scratch
	jnz gate_bad
.endm

/* GS must be the base of an arena block (a switch page, which no domain
 * can write); else gate_bad. gate_ro is readable under every PKRU. */
.macro CHECK_GS scratch
	rdgsbase \scratch
	sub gate_ro+RO_ARENA(%rip), \scratch
	cmp gate_ro+RO_ARENA_LEN(%rip), \scratch
	jae gate_bad
	test $(GATE_BLOCK_SIZE - 1), \scratch
	jnz gate_bad
.endm

	.hidden gate_arena
	.hidden gate_arena_len
	.hidden gate_ro
	.hidden gate_restorer
	.hidden gate_pku
	.hidden gate_avx
	.hidden gate_avx512
	.hidden gate_xrfbm_lo
	.hidden gate_xrfbm_hi
	.hidden gate_signal_c
	.hidden gate_signal_foreign

	.text

/*
 * int gate_enter(struct gate_call *c, int64_t *result)
 * Saves the host's callee-saved state in the record, switches to the
 * domain side and jumps to c->fn; comes back through gate_leave.
 */
	.globl gate_enter
	.hidden gate_enter
	.type gate_enter, @function
gate_enter:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %gs:SW_RECORD, %rax
	mov %rsp, REC_RSP(%rax)
	mov %rsi, REC_RESULT_PTR(%rax)
	stmxcsr REC_MXCSR(%rax)
	fnstcw REC_FCW(%rax)
	/* what the rest needs, in registers */
	mov CALL_FN(%rdi), %r11
	mov CALL_STACK(%rdi), %r10
	mov CALL_TB(%rdi), %r14
	mov CALL_HW(%rdi), %r15
	mov 8(%rdi), %rsi
	mov 16(%rdi), %r12	/* arg 3 (rdx): wrpkru needs edx */
	mov 24(%rdi), %r13	/* arg 4 (rcx) */
	mov 32(%rdi), %r8
	mov 40(%rdi), %r9
	mov 0(%rdi), %rdi
	/* vector state: nothing of the host's may reach the domain */
	cmpb $0, gate_avx(%rip)
	je 1f
	vzeroall
	cmpb $0, gate_avx512(%rip)
	je 2f
	vpxord %zmm16, %zmm16, %zmm16
	vpxord %zmm17, %zmm17, %zmm17
	vpxord %zmm18, %zmm18, %zmm18
	vpxord %zmm19, %zmm19, %zmm19
	vpxord %zmm20, %zmm20, %zmm20
	vpxord %zmm21, %zmm21, %zmm21
	vpxord %zmm22, %zmm22, %zmm22
	vpxord %zmm23, %zmm23, %zmm23
	vpxord %zmm24, %zmm24, %zmm24
	vpxord %zmm25, %zmm25, %zmm25
	vpxord %zmm26, %zmm26, %zmm26
	vpxord %zmm27, %zmm27, %zmm27
	vpxord %zmm28, %zmm28, %zmm28
	vpxord %zmm29, %zmm29, %zmm29
	vpxord %zmm30, %zmm30, %zmm30
	vpxord %zmm31, %zmm31, %zmm31
	kxorw %k0, %k0, %k0
	kxorw %k1, %k1, %k1
	kxorw %k2, %k2, %k2
	kxorw %k3, %k3, %k3
	kxorw %k4, %k4, %k4
	kxorw %k5, %k5, %k5
	kxorw %k6, %k6, %k6
	kxorw %k7, %k7, %k7
	jmp 2f
1:	xorps %xmm0, %xmm0
	xorps %xmm1, %xmm1
	xorps %xmm2, %xmm2
	xorps %xmm3, %xmm3
	xorps %xmm4, %xmm4
	xorps %xmm5, %xmm5
	xorps %xmm6, %xmm6
	xorps %xmm7, %xmm7
	xorps %xmm8, %xmm8
	xorps %xmm9, %xmm9
	xorps %xmm10, %xmm10
	xorps %xmm11, %xmm11
	xorps %xmm12, %xmm12
	xorps %xmm13, %xmm13
	xorps %xmm14, %xmm14
	xorps %xmm15, %xmm15
	/* x87: the host's last values stay in the registers under empty
	 * tags, where the domain's FXSAVE would read them; zero all eight
	 * (emms first, so no push can overflow; fninit costs ~20x more) */
2:	emms
	.rept 8
	fldz
	.endr
	.rept 8
	fstp %st(0)
	.endr
	movl $1, %gs:SW_IN_CALL
	movb $SIDE_DOMAIN, %gs:SW_SIDE
	movzbl %gs:SW_DSEL, %eax
	movb %al, %gs:SW_SELECTOR
	movl %gs:SW_KCTX, %eax		/* the kernel context, at its next syscall */
	movl %eax, %gs:SW_WANT
	/* from here on only registers and %gs: a signal in this window is
	 * handled as the domain's and the window resumed under its PKRU */
	.globl gate_entry_window
	.hidden gate_entry_window
gate_entry_window:
	cmpl $0, %gs:SW_PENDING		/* killed before BLOCK: never enter */
	jne gate_abort
	SITE gate_entry_wrfs
	wrfsbase %r14			/* only domain-side code follows (W1) */
	mov %r10, %rsp
	lea gate_return(%rip), %r10
	push %r10
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %r10d, %r10d
	xor %r14d, %r14d
	test %r15, %r15
	jz 3f
	mov %gs:SW_EXPECTED, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	.globl gate_entry_wrpkru
	.hidden gate_entry_wrpkru
gate_entry_wrpkru:
	WRPKRU				/* W1 */
	test $3, %eax			/* key 0 closed: never the trusted PKRU */
	jz gate_bad
	CHECK_GS %rcx
	cmp %gs:SW_EXPECTED, %eax
	jne gate_bad
3:	xor %r15d, %r15d
	mov %r12, %rdx
	mov %r13, %rcx
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %eax, %eax
	jmp *%r11
	.globl gate_entry_window_end
	.hidden gate_entry_window_end
gate_entry_window_end:
	.size gate_enter, .-gate_enter

/*
 * The domain function returns here (its return address); the domain may
 * also jump here at any time. Nothing but rax is taken from the domain.
 */
	.globl gate_return
	.hidden gate_return
	.type gate_return, @function
gate_return:
	mov %rax, %r8
	.globl gate_return_pkru
	.hidden gate_return_pkru
gate_return_pkru:
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	cmpb $0, %gs:SW_HW
	je 1f
	SITE gate_return_wrpkru
	WRPKRU				/* W3 */
	.globl gate_return_check
	.hidden gate_return_check
gate_return_check:
1:	CHECK_GS_TRUSTED %rcx
	cmpl $1, %gs:SW_IN_CALL
	jne gate_bad_return
	xor %r9d, %r9d			/* GATE_OK */
	jmp gate_ret_window
	.size gate_return, .-gate_return

/*
 * A signal handler aborting the call returns (rt_sigreturn) here, with
 * the status in the record; the domain may jump here too.
 */
	.globl gate_abort
	.hidden gate_abort
	.type gate_abort, @function
gate_abort:
	xor %r8d, %r8d
	.globl gate_abort_pkru
	.hidden gate_abort_pkru
gate_abort_pkru:
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	cmpb $0, %gs:SW_HW
	je 1f
	SITE gate_abort_wrpkru
	WRPKRU				/* W3 */
1:	CHECK_GS_TRUSTED %rcx
	cmpl $1, %gs:SW_IN_CALL
	jne gate_bad_return
	mov $-1, %r9d			/* the record has it */
	/* fall through */

/*
 * Back to the host: r8 = result, r9d = status (-1: from the record).
 * Trusted from here (PKRU 0, in a call of this thread); everything comes
 * from the record, nothing from the domain.
 */
	.globl gate_ret_window
	.hidden gate_ret_window
gate_ret_window:
	movb $SEL_ALLOW, %gs:SW_SELECTOR
	movb $SIDE_TRUSTED, %gs:SW_SIDE
	movl $KCTX_ROOT_ID, %gs:SW_WANT
	mov %gs:SW_RECORD, %rcx
	/* segment selectors the domain loaded: zero again, and since a
	 * selector load also sets FS's or GS's base, the bases after them */
	mov %ds, %eax
	mov %es, %edx
	or %edx, %eax
	mov %fs, %edx
	or %edx, %eax
	mov %gs, %edx
	or %edx, %eax
	jz 2f
	rdgsbase %rdx			/* seen by CHECK_GS_TRUSTED */
	xor %eax, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	SITE gate_ret_wrgs
	wrgsbase %rdx
	TRUSTED_ONLY
2:	mov REC_GLIBC_FS(%rcx), %rax
	SITE gate_ret_wrfs
	wrfsbase %rax
	TRUSTED_ONLY
	mov REC_RSP(%rcx), %rsp		/* the domain's rsp is never used */
	pushq $GATE_RFLAGS_CLEAN	/* AC, DF, TF and the rest */
	popfq
	ldmxcsr REC_MXCSR(%rcx)
	fnclex				/* a pending unmasked x87 exception: emms would raise #MF */
	emms				/* a domain may leave the x87 stack full, or in MMX mode */
	fldcw REC_FCW(%rcx)
	cmpb $0, gate_avx(%rip)
	je 3f
	vzeroupper			/* the domain's upper halves: no SSE penalty for the host */
3:
	movl $0, %gs:SW_IN_CALL
	movb $0, %gs:SW_HW
	cmp $-1, %r9d
	jne 1f
	mov REC_ABORT(%rcx), %r9d
	test %r9d, %r9d
	jnz 1f
	mov $GATE_JUMPED, %r9d
1:	mov REC_RESULT_PTR(%rcx), %rdx
	mov %r8, (%rdx)
	mov %r9d, %eax
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.globl gate_ret_window_end
	.hidden gate_ret_window_end
gate_ret_window_end:
	.size gate_abort, .-gate_abort

/* A failed check: the thread's expected PKRU back (W2), then a fault that
 * the handler turns into an aborted call. */
	.globl gate_bad
	.hidden gate_bad
	.type gate_bad, @function
gate_bad:
gate_bad_return:
	mov $GATE_PKRU_CLOSED, %eax	/* an immediate: nothing a domain sets */
	xor %ecx, %ecx
	xor %edx, %edx
	cmpb $0, gate_pku(%rip)		/* no PKU: nothing to write */
	je 1f
	SITE gate_bad_wrpkru
	WRPKRU				/* W2 */
1:	ud2
	.globl gate_bad_end
	.hidden gate_bad_end
gate_bad_end:
	.size gate_bad, .-gate_bad

/*
 * void gate_resume(struct gate_record *r, uintptr_t tb): back into the
 * domain after a signal, without rt_sigreturn (which SUD would trap, and
 * which a domain could aim at a frame of its own). PKRU 0, selector ALLOW,
 * the domain's signal mask already set. The domain's registers are in the
 * lane's slots, its FPU state in the record. A signal from the window on
 * is handled as the domain's, at the state in the slots (restartable).
 */
	.globl gate_resume
	.hidden gate_resume
	.type gate_resume, @function
gate_resume:
	/* the signal stack back: SS_AUTODISARM took it at delivery, and no
	 * rt_sigreturn restores it here. Registers only from here to the
	 * window: a signal now lands at the top of that stack. */
	mov %rdi, %r12
	mov %rsi, %r13
	lea REC_ALTSTACK(%rdi), %rdi
	xor %esi, %esi
	mov $SYS_sigaltstack, %eax
	syscall
	mov %r12, %rdi
	mov %r13, %rsi
	movl $0, REC_DEPTH(%rdi)
	mov gate_xrfbm_lo(%rip), %eax
	mov gate_xrfbm_hi(%rip), %edx
	SITE gate_resume_xrstor
	xrstor64 REC_XSAVE(%rdi)	/* W5: the mask never has PKRU */
	CHECK_GS %rcx
	cmpb $SIDE_TRUSTED, %gs:SW_SIDE
	jne gate_bad
	movb $SIDE_DOMAIN, %gs:SW_SIDE
	movzbl %gs:SW_DSEL, %eax
	movb %al, %gs:SW_SELECTOR
	movl %gs:SW_KCTX, %eax
	movl %eax, %gs:SW_WANT
	.globl gate_resume_window
	.hidden gate_resume_window
gate_resume_window:
	cmpl $0, %gs:SW_PENDING
	jne 2f
	SITE gate_resume_wrfs
	wrfsbase %rsi
	TRUSTED_ONLY
	cmpb $0, %gs:SW_HW
	je 1f
	mov %gs:SW_EXPECTED, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	SITE gate_resume_wrpkru
	WRPKRU				/* W5 */
	test $3, %eax
	jz gate_bad
	CHECK_GS %rcx
	cmp %gs:SW_EXPECTED, %eax
	jne gate_bad
1:	lea TB_SCRATCH(%rsi), %rsp
	pushq %fs:SLOT(S_RFL)
	mov %fs:SLOT(S_RAX), %rax
	mov %fs:SLOT(S_RBX), %rbx
	mov %fs:SLOT(S_RCX), %rcx
	mov %fs:SLOT(S_RDX), %rdx
	mov %fs:SLOT(S_RSI), %rsi
	mov %fs:SLOT(S_RDI), %rdi
	mov %fs:SLOT(S_RBP), %rbp
	mov %fs:SLOT(S_R8), %r8
	mov %fs:SLOT(S_R9), %r9
	mov %fs:SLOT(S_R10), %r10
	mov %fs:SLOT(S_R11), %r11
	mov %fs:SLOT(S_R12), %r12
	mov %fs:SLOT(S_R13), %r13
	mov %fs:SLOT(S_R14), %r14
	mov %fs:SLOT(S_R15), %r15
	popfq
	mov %fs:SLOT(S_RSP), %rsp
	jmp *%fs:SLOT(S_RIP)
	/* an abort became pending while the handler ran: PKRU is still 0 */
2:	xor %r8d, %r8d
	mov $-1, %r9d
	jmp gate_ret_window
	.globl gate_resume_window_end
	.hidden gate_resume_window_end
gate_resume_window_end:
	.size gate_resume, .-gate_resume

/* void gate_set_trusted_pkru(void): attach (W6). */
	.globl gate_set_trusted_pkru
	.hidden gate_set_trusted_pkru
	.type gate_set_trusted_pkru, @function
gate_set_trusted_pkru:
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	SITE gate_attach_wrpkru
	WRPKRU				/* W6 */
	CHECK_GS_TRUSTED %rcx
	cmpb $SIDE_TRUSTED, %gs:SW_SIDE
	jne gate_bad
	ret
	.size gate_set_trusted_pkru, .-gate_set_trusted_pkru

/*
 * The handler installed for every signal (signals.c). A thread that never
 * attached runs on a stack outside the arena: straight to the C chain.
 * Otherwise the block comes from the stack pointer (never from FS or GS,
 * which a domain may have changed): PKRU 0 (W4), the thread's own GS and
 * glibc's FS, the trusted side's selector, side and root context, then
 * gate_signal_c(sig, si, uc, block, &state) with state = { interrupted FS,
 * GS, side }. It returns 0 to
 * return to the interrupted context with its FS and GS, 1 to keep ours.
 */
	.globl gate_signal_front
	.hidden gate_signal_front
	.type gate_signal_front, @function
gate_signal_front:
	.globl gate_front_start
	.hidden gate_front_start
gate_front_start:
	mov %rsp, %rax
	sub gate_arena(%rip), %rax
	cmp gate_arena_len(%rip), %rax
	jae gate_signal_foreign
	pushq $GATE_RFLAGS_CLEAN	/* the kernel clears DF and TF, not AC */
	popfq
	mov %rdx, %r10
	cmpb $0, gate_pku(%rip)
	je 1f
	xor %ecx, %ecx
	RDPKRU
	test $3, %al			/* key 0 closed: not a signal delivery */
	jnz 9f
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	SITE gate_front_wrpkru
	WRPKRU				/* W4 */
	/* W4's check, after it: the frame the kernel has just built, not a
	 * place a domain chose. rsp in a signal stack of the arena; the
	 * restorer at (%rsp), zeroed at once (no frame passes twice: the
	 * front leaves by jumping to the restorer); the frame's own fpstate
	 * pointer just above it. si and uc come from rsp, not from rsi/rdx. */
1:	mov %rsp, %rax
	sub gate_arena(%rip), %rax
	cmp gate_arena_len(%rip), %rax
	jae gate_bad
	and $(GATE_BLOCK_SIZE - 1), %eax
	sub $GATE_ALT_OFF, %eax
	cmp $GATE_ALT_SIZE, %eax
	jae gate_bad
	mov (%rsp), %rax
	cmp gate_restorer(%rip), %rax
	jne gate_bad
	movq $0, (%rsp)
	mov FRAME_FPSTATE(%rsp), %rax
	sub %rsp, %rax
	sub $FRAME_SIZE, %rax
	cmp $FRAME_FP_SLACK, %rax
	jae gate_bad
	lea FRAME_INFO(%rsp), %rsi
	lea FRAME_UC(%rsp), %rdx
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	sub $40, %rsp
	mov %rsp, %rax
	sub gate_arena(%rip), %rax
	and $~(GATE_BLOCK_SIZE - 1), %rax
	add gate_arena(%rip), %rax
	mov %rax, %rbx			/* block = switch page */
	rdfsbase %r12
	rdgsbase %r13
	SITE gate_front_wrgs
	wrgsbase %rbx
	TRUSTED_ONLY
	mov GATE_REC_OFF + REC_GLIBC_FS(%rbx), %rax
	SITE gate_front_wrfs
	wrfsbase %rax
	TRUSTED_ONLY
	incl GATE_REC_OFF + REC_DEPTH(%rbx)	/* left by a longjmp: call.c re-arms */
	movzbl SW_SIDE(%rbx), %r14d
	movb $SEL_ALLOW, SW_SELECTOR(%rbx)
	movb $SIDE_TRUSTED, SW_SIDE(%rbx)
	movl $KCTX_ROOT_ID, SW_WANT(%rbx)	/* the handler's syscalls: root context */
	mov %r12, 0(%rsp)
	mov %r13, 8(%rsp)
	mov %r14, 16(%rsp)
	mov %rbx, %rcx
	mov %rsp, %r8
	call gate_signal_c
	decl GATE_REC_OFF + REC_DEPTH(%rbx)
	test %eax, %eax
	jnz 2f
	SITE gate_front_back_wrfs
	wrfsbase %r12
	SITE gate_front_back_wrgs
	wrgsbase %r13
	TRUSTED_ONLY
2:	add $40, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	lea 8(%rsp), %rsp		/* past the restorer's zeroed slot */
	jmp *gate_restorer(%rip)
9:	ud2
	.globl gate_front_end
	.hidden gate_front_end
gate_front_end:
	.size gate_signal_front, .-gate_signal_front

	.section .note.GNU-stack, "", @progbits
