# Refused: a load of %gs.
	.include "prelude.inc"
refused:
	mov	%ax, %gs
