# Refused: the 32-bit system call gate.
	.include "prelude.inc"
	mov	$20, %eax
refused:
	int	$0x80
