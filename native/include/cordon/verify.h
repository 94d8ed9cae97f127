/*
 * The verifier of confined domain images (native/CONFINEMENT.md): decodes
 * every byte of an image's executable span with its own decoder and
 * accepts the span only if its control flow can leave it through the
 * sanctioned CHECK and EXIT sequences alone. Trusts nobody's compiler.
 */
#ifndef CORDON_VERIFY_H
#define CORDON_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "cordon/image_abi.h" /* the table's layout, CORDON_TABLE_* */

struct cordon_verify_span {
	const uint8_t *code; /* the executable span's bytes */
	size_t len;
	uint64_t vaddr;      /* address of code[0] (CHECK's TEXT) */
	uint64_t table;      /* address of __cordon_table */
	uint64_t bad_target; /* address of __cordon_bad_target, a ud2 in the span */
};

struct cordon_verdict {
	size_t offset;    /* of the instruction refused (0 when it is not one) */
	char reason[200]; /* one line: the instruction, its offset and bytes */
};

/*
 * 0: the span is verified, and targets ((len + 7) / 8 bytes, the caller's)
 * holds the target bitmap: bit i (byte i / 8, bit i % 8) set iff offset i
 * may be branched to. -1: refused, v says why; targets is then undefined.
 * The addresses are in one address space, link-time or mapped alike.
 */
int cordon_verify(const struct cordon_verify_span *span, uint8_t *targets,
		  struct cordon_verdict *v);

/*
 * The verifier as the loader's target finder (cordon_targets_fn of
 * cordon/image.h, for cordon_image_fill_table): code is the mapped span, so
 * table and bad_target are the mapped addresses of __cordon_table and
 * __cordon_bad_target (cordon_image_symbol). Nonzero refuses the image;
 * the reason is then in verdict.
 */
struct cordon_verify_ctx {
	uint64_t table, bad_target;
	struct cordon_verdict verdict;
};

int cordon_verify_targets(void *ctx, const unsigned char *code, size_t span,
			  unsigned char *bitmap);

#endif
