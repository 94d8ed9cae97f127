# Refused: sysenter.
	.include "prelude.inc"
refused:
	sysenter
