# Refused: a direct branch to a CHECK's jmp *%r11, past its checks.
	.include "prelude.inc"
refused:
	jmp	inner
	lea	text(%rip), %r10
	sub	%r10, %r11
	cmp	TABLE(%rip), %r11
	jae	bad
	bt	%r11, TABLE + 128(%rip)
	jae	bad
	add	%r10, %r11
inner:	jmp	*%r11
