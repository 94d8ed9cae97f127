/* A domain's region: layout, tagging, release (layout.c). */
#ifndef CORDON_GATE_LAYOUT_H
#define CORDON_GATE_LAYOUT_H

#include "gate.h"

/* Reserve the region, load the image into it, set up heap, pool and lanes
 * (untagged yet). On failure what was made is released by gate_release. */
int gate_layout(struct cordon_mpk_domain *d, const void *image, size_t len,
		const struct cordon_mpk_config *cfg, char *err, size_t errlen);
/* Tag it (keys.h) and set up its system calls (vsys.h). */
int gate_tag(struct cordon_mpk_domain *d, const struct cordon_mpk_config *cfg,
	     char *err, size_t errlen);
/* Everything back; d is freed. No call may be in flight. */
void gate_release(struct cordon_mpk_domain *d);

#endif
