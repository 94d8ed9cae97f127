# Refused: a far jump through memory to selector 0x23 (32-bit code).
	.include "prelude.inc"
refused:
	ljmp	*farptr(%rip)
farptr:	.long	0x1000
	.word	0x23
