/* Every prefix of a real image: refused cleanly with -ENOEXEC and a one-line
 * message, until the prefix holds every byte the PT_LOAD segments need. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

/* Bytes the loader needs: the end of the last PT_LOAD's file contents. */
static size_t needed_length(const unsigned char *b)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	size_t end = 0;
	int i;

	memcpy(&eh, b, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, b + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > end)
			end = ph.p_offset + ph.p_filesz;
	}
	return end;
}

void test_loader_truncated(void)
{
	struct cordon_image *img;
	char err[256];
	size_t len, n, need, refused = 0, loaded = 0, bad = 0, first_bad = 0;
	unsigned char *bytes = read_image("basic.so", &len);
	unsigned char *copy;
	int rc;

	suite("loader: truncated images");
	if (!check(bytes != NULL, "read basic.so"))
		return;
	need = needed_length(bytes);
	for (n = 0; n <= len; n++) {
		/* a fresh exact-size copy, so reads past n are real overreads */
		copy = malloc(n ? n : 1);
		memcpy(copy, bytes, n);
		err[0] = 0;
		img = NULL;
		rc = cordon_image_load(copy, n, &img, err, sizeof(err));
		if (rc == 0) {
			loaded++;
			if (n < need && !bad++)
				first_bad = n;
			cordon_image_unload(img);
		} else {
			refused++;
			if ((rc != -ENOEXEC || !err[0] || strchr(err, '\n') || img || n >= need) &&
			    !bad++)
				first_bad = n;
		}
		free(copy);
	}
	check(bad == 0, "%zu prefixes refused, %zu loaded, %zu wrong (first at %zu)",
	      refused, loaded, bad, first_bad);
	check(refused == need && loaded == len + 1 - need,
	      "exactly the prefixes shorter than %zu bytes are refused", need);
	err[0] = 0;
	cordon_image_load(bytes, 10, &img, err, sizeof(err));
	check(contains(err, "too small for an ELF header"), "10 bytes: %s", err);
	cordon_image_load(bytes, 100, &img, err, sizeof(err));
	check(contains(err, "program header table past end of file"), "100 bytes: %s", err);
	cordon_image_load(bytes, need - 1, &img, err, sizeof(err));
	check(contains(err, "PT_LOAD past end of file"), "%zu bytes: %s", need - 1, err);
	free(bytes);
}
