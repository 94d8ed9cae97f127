/*
 * Calling an image's exports directly on the caller's thread, as the
 * inprocess backend does (no isolation: debugging and benchmarks).
 */
#ifndef CORDON_DIRECT_H
#define CORDON_DIRECT_H

#include <stddef.h>
#include <stdint.h>

struct cordon_image;

/* fn(a0, ..., a5), returning to the label a confined image's exit slot 0
 * holds once cordon_direct_confine has run. */
int64_t cordon_direct_call(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4,
			   int64_t a5, const void *fn);

/* Before any code of the image runs: an image with a __cordon_table gets
 * the verifier's targets and cordon_direct_call's return label in it, and
 * 1 is returned; an unconfined one is left as it is: 0. A negative errno,
 * with the reason in err, refuses the image. A confined image must get no
 * errno location from the caller (cordon_domain_init): it cannot call out
 * of its span, so its errno is one per image, not per thread. */
int cordon_direct_confine(struct cordon_image *img, char *err, size_t errlen);

#endif
