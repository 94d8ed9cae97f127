# Refused: xbegin, whose abort path is a branch.
	.include "prelude.inc"
refused:
	xbegin	1f
	xend
1:	nop
