# Refused: iretq.
	.include "prelude.inc"
refused:
	iretq
