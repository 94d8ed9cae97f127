/*
 * A confined image (native/CONFINEMENT.md) runs only once its
 * __cordon_table is written: every return of its code checks against it.
 * Exit slot 0 is host_export_return, where host_call_export's call of an
 * export returns; the target bitmap is the verifier's, so a branch can
 * land only on an instruction start it verified.
 */
#include <stdint.h>

#include "cordon/image.h"
#include "cordon/image_abi.h"
#include "cordon/verify.h"
#include "host.h"

void host_confine_image(struct host *h)
{
	struct cordon_verify_ctx v = { 0 };
	char err[CORDON_ERROR_LEN - 16];

	v.table = (uintptr_t)cordon_image_symbol(h->img, CORDON_TABLE_SYMBOL);
	if (!v.table)
		return; /* unconfined: nothing checks a table */
	v.bad_target = (uintptr_t)cordon_image_symbol(h->img, CORDON_BAD_TARGET_SYMBOL);
	if (cordon_image_fill_table(h->img, host_export_return, cordon_verify_targets, &v,
				    err, sizeof(err)))
		host_fail(h, "image: %s%s%s", err, v.verdict.reason[0] ? ": " : "",
			  v.verdict.reason);
}
