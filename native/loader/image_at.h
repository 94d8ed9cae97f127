/*
 * The loader for the mpk backend: the image goes into address space the
 * caller has already reserved (a domain's region), so that one range check
 * covers all of a domain's memory, and the caller learns the protection of
 * every page so that it can tag them with a protection key.
 *
 * Internal to libcordon (not exported); cordon_image_load (image.h) is
 * unchanged. The image these return is released with cordon_image_unload,
 * which then leaves the borrowed space mapped.
 */
#ifndef CORDON_LOADER_IMAGE_AT_H
#define CORDON_LOADER_IMAGE_AT_H

#include <stddef.h>
#include <stdint.h>

#include "cordon/image.h"

/* Most ranges cordon_image_ranges can return: segments, the gaps between
 * them, and the splits of RELRO and a filled __cordon_table. */
#define CORDON_IMAGE_MAX_RANGES 40

struct cordon_image_range {
	uintptr_t start; /* page-aligned */
	size_t len;      /* whole pages */
	int prot;        /* PROT_* once loaded */
};

/* Check the headers of the image; on success *room = the bytes of
 * address space cordon_image_load_at needs (whole pages), else -ENOEXEC
 * and the reason in err, as cordon_image_load writes it. */
int cordon_image_room(const void *bytes, size_t len, size_t *room,
		      char *err, size_t errlen);

/*
 * Load the image into [where, where + room): where page-aligned, the
 * space reserved by the caller (PROT_NONE) and at least as large as
 * cordon_image_room said. Same checks, results and messages as
 * cordon_image_load, and WRGSBASE is refused too (cordon_inspect_code_mpk). On failure the space is left PROT_NONE, its contents
 * discarded; -ENOSPC if it is too small.
 */
int cordon_image_load_at(const void *bytes, size_t len, void *where, size_t room,
			 struct cordon_image **out, char *err, size_t errlen);

/* The image's pages in address order with their final protections, from
 * its first page to its last, gaps (PROT_NONE) included. Returns the
 * number written, or -ENOSPC if max is too small (never with max >=
 * CORDON_IMAGE_MAX_RANGES), -EINVAL for a NULL image. */
int cordon_image_ranges(const struct cordon_image *img,
			struct cordon_image_range *out, unsigned max);

#endif
