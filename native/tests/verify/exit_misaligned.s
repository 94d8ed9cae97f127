# Refused: a jmp through the slot area off a slot's start.
	.include "prelude.inc"
refused:
	jmp	*TABLE + 12(%rip)
