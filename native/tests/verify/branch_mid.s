# Refused: a direct branch into the middle of an instruction (the WRPKRU
# hidden in mov's immediate).
	.include "prelude.inc"
refused:
	jmp	hidden + 1
hidden:	mov	$0xef010f, %eax
	ud2
