# Refused: a far return (pops CS: 32-bit mode with 0x23).
	.include "prelude.inc"
	pushq	$0x23
refused:
	lretq
