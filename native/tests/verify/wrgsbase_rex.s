# Refused: wrgsbase in its REX.W form (f3 48 0f ae d8).
	.include "prelude.inc"
refused:
	wrgsbase %rax
