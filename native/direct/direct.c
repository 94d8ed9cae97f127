/*
 * The inprocess backend (no isolation) runs an image's exports on the
 * JVM's own threads, called through cordon_direct_call. A confined image
 * checks every return against exit slot 0, so its table is filled here,
 * once, with that call's return label and the verifier's targets.
 */
#include <stdio.h>

/* Only the functions of direct.h leave libcordon.so (-fvisibility=hidden). */
#pragma GCC visibility push(default)
#include "cordon/direct.h"
#pragma GCC visibility pop
#include "cordon/image.h"
#include "cordon/image_abi.h"
#include "cordon/verify.h"

extern const char cordon_direct_return[];

int cordon_direct_confine(struct cordon_image *img, char *err, size_t errlen)
{
	struct cordon_verify_ctx v = { 0 };
	char why[160] = "";
	int rc;

	v.table = (uintptr_t)cordon_image_symbol(img, CORDON_TABLE_SYMBOL);
	if (!v.table)
		return 0; /* unconfined: nothing checks a table */
	v.bad_target = (uintptr_t)cordon_image_symbol(img, CORDON_BAD_TARGET_SYMBOL);
	rc = cordon_image_fill_table(img, cordon_direct_return, cordon_verify_targets, &v, why,
				     sizeof(why));
	if (rc && err && errlen)
		snprintf(err, errlen, "%s%s%s", why, v.verdict.reason[0] ? ": " : "",
			 v.verdict.reason);
	return rc ? rc : 1;
}
