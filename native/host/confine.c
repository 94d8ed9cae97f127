/*
 * A confined image (native/CONFINEMENT.md) runs only once its
 * __cordon_table is written: every return of its code checks against it.
 * Exit slot 0 is host_export_return, where host_call_export's call of an
 * export returns.
 *
 * Until the loader's verifier lands, every offset of the span is a
 * permitted target here. On the process backend that gives nothing away:
 * the domain is this whole process, behind seccomp, Landlock and rlimits,
 * and no gadget in it reaches past them. The verifier's boundaries replace
 * this when it lands.
 */
#include <string.h>

#include "cordon/image.h"
#include "cordon/image_abi.h"
#include "host.h"

static int every_offset(void *ctx, const unsigned char *code, size_t span,
			unsigned char *bitmap)
{
	(void)ctx;
	(void)code;
	memset(bitmap, 0xff, (span + 7) / 8);
	return 0;
}

void host_confine_image(struct host *h)
{
	char err[CORDON_ERROR_LEN - 16];

	if (!cordon_image_symbol(h->img, CORDON_TABLE_SYMBOL))
		return; /* unconfined: nothing checks a table */
	if (cordon_image_fill_table(h->img, host_export_return, every_offset, NULL,
				    err, sizeof(err)))
		host_fail(h, "image: %s", err);
}
