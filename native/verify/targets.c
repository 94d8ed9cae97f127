/*
 * cordon_verify_targets: the verifier behind the loader's table filling
 * (cordon_image_fill_table). The span is verified where it is mapped, so
 * every address it is checked against is a mapped one.
 */
#include <stdint.h>

#include "cordon/verify.h"

int cordon_verify_targets(void *ctx, const unsigned char *code, size_t span,
			  unsigned char *bitmap)
{
	struct cordon_verify_ctx *c = ctx;
	struct cordon_verify_span s = { code, span, (uint64_t)(uintptr_t)code, c->table,
					c->bad_target };

	return cordon_verify(&s, bitmap, &c->verdict) ? -1 : 0;
}
