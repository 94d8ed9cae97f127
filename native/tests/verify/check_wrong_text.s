# Refused: a CHECK whose span starts one byte late.
	.include "prelude.inc"
	lea	text + 1(%rip), %r10
	sub	%r10, %r11
	cmp	TABLE(%rip), %r11
	jae	bad
	bt	%r11, TABLE + 128(%rip)
	jae	bad
	add	%r10, %r11
refused:
	jmp	*%r11
