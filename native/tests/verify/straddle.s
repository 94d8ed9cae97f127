# Refused: wrfsbase straddling the span's first page boundary.
	.include "prelude.inc"
	.fill	4096 - 2 - 2, 1, 0x90
refused:
	wrfsbase %r12
