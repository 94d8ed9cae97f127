# Refused: a direct call out of the span.
	.include "prelude.inc"
refused:
	call	0x300000
