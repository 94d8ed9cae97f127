/*
 * int64_t host_call_export(const void *fn, const int64_t args[6])
 *
 * Calls fn(args[0], ..., args[5]) so that the call returns to a known
 * address, host_export_return: a confined image's return thunk lets a
 * return leave the image only to exit slot 0 (native/CONFINEMENT.md), and
 * cordon-host writes this label there. An unconfined image returns here
 * just the same. Also linked into the C tests, which call images this way.
 */
	.text
	.globl	host_call_export
	.hidden	host_call_export
	.type	host_call_export, @function
host_call_export:
	mov	%rdi, %rax
	mov	%rsi, %r10
	mov	(%r10), %rdi
	mov	8(%r10), %rsi
	mov	16(%r10), %rdx
	mov	24(%r10), %rcx
	mov	32(%r10), %r8
	mov	40(%r10), %r9
	sub	$8, %rsp		/* the callee's stack 16-aligned at its entry */
	call	*%rax
	.globl	host_export_return
	.hidden	host_export_return
host_export_return:
	add	$8, %rsp
	ret
	.size	host_call_export, . - host_call_export

	.section .note.GNU-stack, "", @progbits
