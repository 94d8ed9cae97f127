# Refused: wrpkru.
	.include "prelude.inc"
	xor	%ecx, %ecx
	xor	%edx, %edx
refused:
	wrpkru
