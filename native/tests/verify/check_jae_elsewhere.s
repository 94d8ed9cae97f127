# Refused: a CHECK whose failed bt jumps to the jmp, not to BAD.
	.include "prelude.inc"
	lea	text(%rip), %r10
	sub	%r10, %r11
	cmp	TABLE(%rip), %r11
	jae	bad
	bt	%r11, TABLE + 128(%rip)
	jae	1f
1:	add	%r10, %r11
refused:
	jmp	*%r11
