/*
 * The loader and the ABI note (loader/note.c, loader/confined.c): an image
 * whose note says CORDON_ABI_CONFINED is verified at load and refused with
 * the verifier's reason; one without the flag or the note loads as before,
 * unverified; a note the loader cannot read is refused. The images are
 * tests/loader_confined/image.s in variants (Makefile).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

/* loads target/test/<rel>: the return code, *verified, err */
static int load(const char *rel, int *verified, char *err, size_t errlen)
{
	struct cordon_image *img = NULL;
	unsigned char *bytes;
	size_t len;
	int rc;

	err[0] = 0;
	*verified = -1;
	bytes = read_file(path_of(target_dir, rel), &len);
	if (!bytes) {
		snprintf(err, errlen, "cannot read %s", rel);
		return -1000;
	}
	rc = cordon_image_load(bytes, len, &img, err, errlen);
	if (!rc) {
		*verified = cordon_image_verified(img);
		cordon_image_unload(img);
	}
	free(bytes);
	return rc;
}

void test_loader_confined(void)
{
	char err[256];
	int rc, verified;

	suite("loader: confined images");
	rc = load("test/loader_confined/ok.so", &verified, err, sizeof(err));
	check(rc == 0 && verified == 1, "a confined image that passes is loaded, verified (rc %d, %s)",
	      rc, err);
	rc = load("test/loader_confined/ret.so", &verified, err, sizeof(err));
	check(rc < 0 && contains(err, "the verifier refuses the confined image: offset 0x") &&
	      contains(err, ": ret (c3)"), "a confined image with a ret is refused: %s", err);
	rc = load("test/loader_confined/unflagged.so", &verified, err, sizeof(err));
	check(rc == 0 && verified == 0, "a note without the confined flag: loaded, unverified (rc %d, %s)",
	      rc, err);
	rc = load("test/images/basic.so", &verified, err, sizeof(err));
	check(rc == 0 && verified == 0, "an image without the note: loaded, unverified (rc %d, %s)",
	      rc, err);
	rc = load("test/loader_confined/version.so", &verified, err, sizeof(err));
	check(rc < 0 && contains(err, "ABI version 99"), "an unknown ABI version is refused: %s", err);
	rc = load("test/loader_confined/descsz.so", &verified, err, sizeof(err));
	check(rc < 0 && contains(err, "not two u32"), "a note of the wrong size is refused: %s", err);
	check(cordon_image_verified(NULL) == 0, "no image: not verified");
}
