# Refused: jmp *%rax, no CHECK before it.
	.include "prelude.inc"
	mov	%rax, %r11
refused:
	jmp	*%rax
