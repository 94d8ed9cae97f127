# Refused: a far call through memory.
	.include "prelude.inc"
refused:
	lcall	*(%rax)
