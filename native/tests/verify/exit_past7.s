# Refused: an EXIT through slot 8, past the last slot.
	.include "prelude.inc"
refused:
	EXIT	8
