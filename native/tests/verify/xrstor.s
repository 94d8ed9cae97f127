# Refused: xrstor64 (restores PKRU with the rest).
	.include "prelude.inc"
refused:
	xrstor64 (%rdi)
