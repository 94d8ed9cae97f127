/* The loader takes a real cordon-cc image and its exports work. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

typedef int64_t (*fn2)(int64_t, int64_t);
typedef int64_t (*fn1)(int64_t);
typedef int64_t (*fn0)(void);

static void *sym(struct cordon_image *img, const char *name)
{
	return cordon_image_symbol(img, name);
}

void test_loader_basic(void)
{
	struct cordon_image *img = NULL;
	char err[256] = "";
	size_t len;
	unsigned char *bytes = read_image("basic.so", &len);
	int64_t *counter;
	int rc;

	suite("loader: basic image");
	if (!check(bytes != NULL, "read basic.so"))
		return;
	rc = cordon_image_load(bytes, len, &img, err, sizeof(err));
	if (!check(rc == 0 && img, "load basic.so (rc %d, %s)", rc, err))
		goto out;
	check(cordon_image_mapped_size(img) >= len / 2, "mapped size %zu",
	      cordon_image_mapped_size(img));
	check(sym(img, "add") && ((fn2)(uintptr_t)sym(img, "add"))(40, 2) == 42,
	      "call add(40, 2) = 42");
	check(sym(img, "word_length") && ((fn1)(uintptr_t)sym(img, "word_length"))(3) == 5,
	      "relocated pointer table: word_length(3) = 5");
	counter = sym(img, "exported_counter");
	check(counter && *counter == 40, "exported object readable");
	check(sym(img, "bump_counter") && ((fn0)(uintptr_t)sym(img, "bump_counter"))() == 41 &&
	      *counter == 41, "function and object share data");
	check(sym(img, "cordon_domain_init") != NULL, "cordon_domain_init exported");
	check(sym(img, "hidden_fn") == NULL, "hidden symbol not exported");
	check(sym(img, "strlen") == NULL, "musl's symbols not exported");
	check(sym(img, "no_such_symbol") == NULL, "missing symbol gives NULL");
	check(sym(img, "") == NULL && cordon_image_symbol(NULL, "add") == NULL &&
	      cordon_image_symbol(img, NULL) == NULL, "NULL and empty names");
	/* final protections from p_flags */
	check(!strcmp(perms_of(sym(img, "add")), "r-xp"), "code is r-x (%s)",
	      perms_of(sym(img, "add")));
	check(!strcmp(perms_of(counter), "rw-p"), "data is rw- (%s)", perms_of(counter));
	check(sym(img, "relro_table") && !strcmp(perms_of(sym(img, "relro_table")), "r--p") &&
	      !strcmp(((const char *const *)sym(img, "relro_table"))[1], "b"),
	      "PT_GNU_RELRO is read-only after relocation (%s)",
	      perms_of(sym(img, "relro_table")));
	memset(bytes, 0, len);
	check(((fn2)(uintptr_t)sym(img, "add"))(1, 2) == 3,
	      "image no longer needs the caller's buffer");
	cordon_image_unload(img);
	cordon_image_unload(NULL);
	check(cordon_image_mapped_size(NULL) == 0, "NULL image");
	rc = cordon_image_load(NULL, 0, &img, err, sizeof(err));
	check(rc < 0 && img == NULL && err[0], "NULL bytes refused: %s", err);
	rc = cordon_image_load(bytes, len, NULL, NULL, 0);
	check(rc < 0, "NULL out and no error buffer refused without a crash");
out:
	free(bytes);
}
