# Refused: the span ends in an instruction that runs on past its end.
	.include "prelude.inc"
	jmp	1f
1:	xor	%eax, %eax
refused:
	nop
