# Refused: a CHECK whose cmp reads the wrong word of the table (an exit
# slot, not the span length).
	.include "prelude.inc"
	lea	text(%rip), %r10
	sub	%r10, %r11
	cmp	TABLE + 8(%rip), %r11
	jae	bad
	bt	%r11, TABLE + 128(%rip)
	jae	bad
	add	%r10, %r11
refused:
	jmp	*%r11
