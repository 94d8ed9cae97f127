# Refused: an indirect call through memory.
	.include "prelude.inc"
refused:
	call	*8(%rax)
