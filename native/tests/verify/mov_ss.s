# Refused: a load of %ss.
	.include "prelude.inc"
refused:
	movw	(%rax), %ss
