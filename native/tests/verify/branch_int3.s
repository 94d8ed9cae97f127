# Refused: a direct branch to int3 padding.
	.include "prelude.inc"
refused:
	je	pad
pad:	int3
