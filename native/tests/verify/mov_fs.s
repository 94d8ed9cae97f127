# Refused: a load of %fs.
	.include "prelude.inc"
	xor	%eax, %eax
refused:
	mov	%eax, %fs
