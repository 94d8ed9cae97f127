# Accepted: the runtime's thunks, their callers, direct branches of every
# kind, exits through all eight slots, int3 padding, syscall.
	.include "prelude.inc"
thunk_rax:
	mov	%rax, %r11
	CHECK
thunk_r11:
	CHECK
return_thunk:
	pop	%r11
	cmp	TABLE + 8(%rip), %r11
	jne	1f
	EXIT	0
1:	CHECK
	int3
	int3
caller:
	push	%rbx
	lea	caller(%rip), %rax
	call	thunk_rax
	call	thunk_r11
	test	%eax, %eax
	je	2f
	jne	caller
	mov	$0xef010f, %eax		# WRPKRU hidden in the immediate: unreachable
	loop	caller
	jrcxz	2f
2:	syscall
	jmp	far_away
	.fill	200, 1, 0x90
far_away:
	jae	bad			# rel32, far from BAD
	EXIT	1
	EXIT	2
	EXIT	3
	EXIT	4
	EXIT	5
	EXIT	6
	EXIT	7
	pop	%rbx
	jmp	return_thunk
