/*
 * Linked last into every image cordon-cc builds (installed as
 * target/lib/cordon-image-tail.S, assembled per image):
 *   - the .note.cordon ABI note (include/cordon/image_abi.h), with
 *     CORDON_IMAGE_FLAGS;
 *   - for a confined image, __cordon_table: CORDON_TABLE_BYTES (cordon-cc
 *     computes them from the executable span of a first link), page-aligned
 *     and rounded up to whole pages, so nothing else shares its pages when
 *     the loader makes them read-only.
 */
#include "cordon/image_abi.h"

	.section CORDON_NOTE_SECTION, "a", @note
	.balign	4
	.long	7			/* namesz: "Cordon" and its NUL */
	.long	8			/* descsz */
	.long	NT_CORDON_ABI
	.asciz	CORDON_NOTE_NAME
	.balign	4
	.long	CORDON_IMAGE_ABI_VERSION
	.long	CORDON_IMAGE_FLAGS

#if CORDON_TABLE_BYTES > 0
	/* NOBITS: zero in the file, placed after .bss */
	.section .cordon_table, "aw", @nobits
	.balign	4096
	.globl	__cordon_table
	.type	__cordon_table, @object
__cordon_table:
	.zero	(CORDON_TABLE_BYTES + 4095) / 4096 * 4096
	.size	__cordon_table, (CORDON_TABLE_BYTES + 4095) / 4096 * 4096
#endif
