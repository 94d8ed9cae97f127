/*
 * The gate of the mpk backend, x86-64 (DESIGN.md section 4; gate.h has the
 * layouts). Every WRPKRU and XRSTOR of Cordon's trusted code is in this
 * file, and each is followed by a check that a domain jumping straight to
 * it cannot pass (domain code is free to jump anywhere, instruction fetch
 * ignores protection keys):
 *
 *  W1 gate_entry_wrpkru: eax = %gs:expected; after: cmp %gs:expected, eax.
 *     A jump with any other eax ends in gate_bad.
 *  W2 gate_bad: writes %gs:expected again, then ud2 (never continues).
 *  W3 gate_return_pkru / gate_abort_pkru: PKRU 0; after: %gs:in_call must
 *     be 1, so reached only during this thread's call, which it ends: a
 *     domain gets an early return of its own call, nothing more. Else W2'.
 *  W4 gate_front (signal handler entry): PKRU 0 only if PKRU had key 0
 *     open before: true on signal delivery (the kernel's init PKRU) and in
 *     trusted code, never in a domain (its PKRU closes key 0).
 *  W5 gate_resume: XRSTOR with a feature mask without PKRU, then the
 *     side must still be TRUSTED (domain code always runs with DOMAIN);
 *     then WRPKRU as W1 with the same check.
 *  W6 gate_set_trusted_pkru (attach): PKRU 0, then the side must be
 *     TRUSTED.
 * %gs is the thread's switch page; domains cannot write it (switch key)
 * and an image holding WRGSBASE is refused (domain.c), so %gs is trusted.
 *
 * The domain side of a call runs with side DOMAIN, the SUD selector of the
 * domain (BLOCK for mpk, ALLOW for uswitch, whose system calls go to the
 * kernel) and want = its kernel context (0 for mpk); the trusted side
 * with TRUSTED, ALLOW and the root context.
 */
#include "gate.h"

#define WRPKRU .byte 0x0f, 0x01, 0xef
#define RDPKRU .byte 0x0f, 0x01, 0xee

	.hidden gate_arena
	.hidden gate_arena_len
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
	wrfsbase %r14
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
	WRPKRU				/* W3 */
	.globl gate_return_check
	.hidden gate_return_check
gate_return_check:
1:	cmpl $1, %gs:SW_IN_CALL
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
	WRPKRU				/* W3 */
1:	cmpl $1, %gs:SW_IN_CALL
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
	mov REC_GLIBC_FS(%rcx), %rax
	wrfsbase %rax
	mov REC_RSP(%rcx), %rsp
	pushq $GATE_RFLAGS_CLEAN
	popfq
	ldmxcsr REC_MXCSR(%rcx)
	emms				/* a domain may leave the x87 stack full, or in MMX mode */
	fldcw REC_FCW(%rcx)
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
	mov %gs:SW_EXPECTED, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	cmpb $0, gate_pku(%rip)		/* no PKU: nothing to write */
	je 1f
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
	mov gate_xrfbm_lo(%rip), %eax
	mov gate_xrfbm_hi(%rip), %edx
	xrstor64 REC_XSAVE(%rdi)	/* W5: the mask never has PKRU */
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
	wrfsbase %rsi
	cmpb $0, %gs:SW_HW
	je 1f
	mov %gs:SW_EXPECTED, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	WRPKRU				/* W5 */
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
	WRPKRU				/* W6 */
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
	WRPKRU				/* W4 */
1:	mov %r10, %rdx
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
	wrgsbase %rbx
	mov GATE_REC_OFF + REC_GLIBC_FS(%rbx), %rax
	wrfsbase %rax
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
	test %eax, %eax
	jnz 2f
	wrfsbase %r12
	wrgsbase %r13
2:	add $40, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
9:	ud2
	.globl gate_front_end
	.hidden gate_front_end
gate_front_end:
	.size gate_signal_front, .-gate_signal_front

	.section .note.GNU-stack, "", @progbits
