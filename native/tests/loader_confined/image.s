# A confined image by hand (native/CONFINEMENT.md), for the loader's tests
# (test_loader_confined.c), assembled in variants by the Makefile:
#   CONFINED  the note's flag (CORDON_ABI_CONFINED)     default 1
#   RET       add1 ends in a plain ret, not the checks  default 0
#   VERSION   the note's ABI version                    default 1
#   DESCSZ    the note's descriptor size                default 8
	.ifndef CONFINED
	.set	CONFINED, 1
	.endif
	.ifndef RET
	.set	RET, 0
	.endif
	.ifndef VERSION
	.set	VERSION, 1
	.endif
	.ifndef DESCSZ
	.set	DESCSZ, 8
	.endif

	.section .note.GNU-stack, "", @progbits
	.section .note.cordon, "a", @note
	.balign	4
	.long	7, DESCSZ, 1		# namesz, descsz, NT_CORDON_ABI
	.asciz	"Cordon"
	.balign	4
	.long	VERSION, CONFINED
	.if	DESCSZ > 8
	.fill	DESCSZ - 8, 1, 0
	.endif

	.text
text:
	.globl	__cordon_bad_target
	.type	__cordon_bad_target, @function
__cordon_bad_target:
	ud2

# add1(x) = x + 1, returning through the return thunk's check
	.globl	add1
	.type	add1, @function
add1:
	lea	1(%rdi), %rax
	.if	RET
	ret
	.else
	pop	%r11
	cmp	__cordon_table + 8(%rip), %r11
	jne	1f
	jmp	*__cordon_table + 8(%rip)
1:	lea	text(%rip), %r10
	sub	%r10, %r11
	cmp	__cordon_table(%rip), %r11
	jae	__cordon_bad_target
	bt	%r11, __cordon_table + 128(%rip)
	jae	__cordon_bad_target
	add	%r10, %r11
	jmp	*%r11
	.endif

	.bss
	.balign	4096
	.globl	__cordon_table
	.type	__cordon_table, @object
__cordon_table:
	.zero	4096
	.size	__cordon_table, 4096
