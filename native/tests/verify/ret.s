# Refused: a plain ret.
	.include "prelude.inc"
	nop
refused:
	ret
