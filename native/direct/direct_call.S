/*
 * int64_t cordon_direct_call(int64_t a0, ..., int64_t a5, const void *fn)
 *
 * The inprocess backend's one way into an image: fn(a0, ..., a5), called
 * so that it returns to cordon_direct_return, which cordon_direct_confine
 * writes into a confined image's exit slot 0 (native/CONFINEMENT.md). An
 * unconfined image returns here just the same. The six arguments pass
 * through in their registers; fn is the seventh, on the stack.
 */
	.text
	.globl	cordon_direct_call
	.type	cordon_direct_call, @function
cordon_direct_call:
	mov	8(%rsp), %rax
	sub	$8, %rsp		/* the callee's stack 16-aligned at its entry */
	call	*%rax
	.globl	cordon_direct_return
	.hidden	cordon_direct_return
cordon_direct_return:
	add	$8, %rsp
	ret
	.size	cordon_direct_call, . - cordon_direct_call

	.section .note.GNU-stack, "", @progbits
