/*
 * The checked thunks of a confined image (native/CONFINEMENT.md).
 *
 * gcc's -mindirect-branch=thunk-extern and -mfunction-return=thunk-extern
 * send every indirect call, indirect jump and return of the image's code
 * here. Each thunk lets control go only to a permitted target of the
 * image's executable span (bit set in the bitmap the loader wrote) or, for
 * a return, to exit slot 0: the address the caller's call returns to.
 * Anything else lands on __cordon_bad_target, a ud2: the domain faults.
 *
 * __cordon_text (the first byte of the executable segment) is defined by
 * cordon-cc at link time; __cordon_table is the reservation cordon-cc sizes
 * from the span (cc/image_tail.S). The verifier matches each CHECK byte for
 * byte, so its form is fixed: see CONFINEMENT.md before changing it.
 */
#include "cordon/image_abi.h"

	/* defined by cordon-cc's link (--defsym); never exported */
	.hidden	__cordon_text

	.text

/* Target in %r11; clobbers %r10 and the flags (scratch at every call and
 * return in the SysV ABI). The bound check is unsigned: a target below the
 * span wraps to a huge offset. */
.macro CHECK
	lea	__cordon_text(%rip), %r10
	sub	%r10, %r11
	cmp	__cordon_table+CORDON_TABLE_SPAN(%rip), %r11
	jae	.Lbad
	bt	%r11, __cordon_table+CORDON_TABLE_BITMAP(%rip)
	jae	.Lbad
	add	%r10, %r11
	jmp	*%r11
.endm

.macro THUNK reg
	.globl	__x86_indirect_thunk_\reg
	.hidden	__x86_indirect_thunk_\reg
	.type	__x86_indirect_thunk_\reg, @function
__x86_indirect_thunk_\reg:
	.ifnc	\reg, r11
	mov	%\reg, %r11
	.endif
	CHECK
	.size	__x86_indirect_thunk_\reg, . - __x86_indirect_thunk_\reg
.endm

	THUNK rax
	THUNK rbx
	THUNK rcx
	THUNK rdx
	THUNK rsi
	THUNK rdi
	THUNK rbp
	THUNK r8
	THUNK r9
	THUNK r10
	THUNK r11
	THUNK r12
	THUNK r13
	THUNK r14
	THUNK r15
	THUNK rsp	/* gcc never branches through %rsp; the set is complete */

/* The address is popped before it is checked: another domain thread could
 * rewrite it on the stack between a check and a ret. Slot 0 is compared
 * first, so returning from an export costs one compare more than a plain
 * return. */
	.globl	__x86_return_thunk
	.hidden	__x86_return_thunk
	.type	__x86_return_thunk, @function
__x86_return_thunk:
	pop	%r11
	cmp	__cordon_table+CORDON_TABLE_EXITS(%rip), %r11
	jne	1f
	jmp	*__cordon_table+CORDON_TABLE_EXITS(%rip)
1:	CHECK
	.size	__x86_return_thunk, . - __x86_return_thunk

/* Where every failed check goes; exported so the loader can find it. */
	.globl	__cordon_bad_target
	.type	__cordon_bad_target, @function
__cordon_bad_target:
.Lbad:
	ud2
	.size	__cordon_bad_target, . - __cordon_bad_target
