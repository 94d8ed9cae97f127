/*
 * The domain image loader: maps an ELF ET_DYN image built by cordon-cc into
 * one private region, applies its relocations and resolves its exports.
 * Used by cordon-host (process backend) and by libcordon (inprocess backend).
 */
#ifndef CORDON_IMAGE_H
#define CORDON_IMAGE_H

#include <stddef.h>

struct cordon_image;

/*
 * Load `len` bytes of image at `bytes`. On success store the image in *out and
 * return 0. On failure return a negative errno (-ENOEXEC for a malformed or
 * unsupported image, -ENOMEM, ...) and write a one-line reason naming what is
 * wrong ("section header table past end of file", "unsupported relocation
 * type 18 (R_X86_64_TPOFF64)") into err. Never crashes on hostile input.
 */
int cordon_image_load(const void *bytes, size_t len, struct cordon_image **out,
		      char *err, size_t errlen);

/* Address of the exported (defined, global or weak) symbol, or NULL. */
void *cordon_image_symbol(const struct cordon_image *img, const char *name);

/* Bytes the image occupies once mapped. */
size_t cordon_image_mapped_size(const struct cordon_image *img);

/* 1 if the image's ABI note says it is confined and the verifier passed
 * it at load (native/CONFINEMENT.md; a confined image that fails is not
 * loaded), 0 for an image without the note: unverified, fit for the
 * process backend only. */
int cordon_image_verified(const struct cordon_image *img);

void cordon_image_unload(struct cordon_image *img);

/*
 * Confined images (native/CONFINEMENT.md). Sets bit i of `bitmap` (zeroed,
 * ceil(span / 8) bytes) for each offset i of the executable span `code`
 * that control may be sent to; returns 0, or nonzero to refuse the image.
 */
typedef int (*cordon_targets_fn)(void *ctx, const unsigned char *code, size_t span,
				 unsigned char *bitmap);

/*
 * Write the image's __cordon_table: the span, exit slot 0 = `exit0` (where
 * the caller's call of an export returns to; the other slots hold
 * __cordon_bad_target), the bitmap from `targets`; then make it read-only.
 * Before any of the image's code runs. 0, or -ENOEXEC (not a confined
 * image, a table out of place, targets refused) or -ENOMEM, with a
 * one-line reason in err.
 */
int cordon_image_fill_table(struct cordon_image *img, const void *exit0,
			    cordon_targets_fn targets, void *ctx, char *err, size_t errlen);

#endif
