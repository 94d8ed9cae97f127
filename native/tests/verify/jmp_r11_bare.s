# Refused: jmp *%r11 with most of a CHECK but not its bt.
	.include "prelude.inc"
	lea	text(%rip), %r10
	sub	%r10, %r11
	cmp	TABLE(%rip), %r11
	jae	bad
	nop
	jae	bad
	add	%r10, %r11
refused:
	jmp	*%r11
