/*
 * Warm regions (warm.c): a destroyed domain's region kept, scrubbed, for
 * the next domain of the same image and layout.
 */
#ifndef CORDON_GATE_WARM_H
#define CORDON_GATE_WARM_H

#include "gate.h"

/* The sizes a region is laid out with: a kept region fits only a domain
 * that asks for the same ones. */
struct gate_warm_shape {
	size_t room, heap, pool, stack, arena, size;
	unsigned lanes;
	int hw;
};

/* After a cold load: remember the image's bytes and its writable pages as
 * they are before the domain first runs. Without memory for that, or with
 * no regions to be kept, d is simply never kept (d->warm stays NULL). */
void gate_warm_record(struct cordon_mpk_domain *d, const void *image, size_t len,
		      const struct gate_warm_shape *shape);

/* A kept region for this image and shape: 1 and d->base, d->size, d->img
 * and d->warm filled in, the region as a cold load leaves it but all
 * PROT_NONE until gate_tag's retag; 0 if none. */
int gate_warm_take(struct cordon_mpk_domain *d, const void *image, size_t len,
		   const struct gate_warm_shape *shape);

/* At release, with no call in flight and d's key still registered: if d
 * may be kept, scrub its region and make all of it PROT_NONE (keys_register
 * gives the next domain its rights back). 1 if done; 0 if the caller
 * unmaps it as usual. */
int gate_warm_scrub(struct cordon_mpk_domain *d);

/* Then, with the key given back: keep it. 1 if kept (d's region and image
 * now belong to the cache); 0 if the caller must unmap them. d->warm is
 * the caller's to free either way (NULL once kept). */
int gate_warm_keep(struct cordon_mpk_domain *d);

void gate_warm_free(struct gate_warm *w);

#endif
