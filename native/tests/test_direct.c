/*
 * The inprocess backend's direct calls (direct/): a confined image's table
 * filled by cordon_direct_confine, its exports, cordon_domain_init
 * included, called through cordon_direct_call and returning there; an
 * unconfined image is called the same way and left unfilled.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cordon/direct.h"
#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

static struct cordon_image *load(const char *rel)
{
	struct cordon_image *img = NULL;
	char err[256] = "";
	unsigned char *b;
	size_t len;

	b = read_file(path_of(target_dir, rel), &len);
	if (!check(b && cordon_image_load(b, len, &img, err, sizeof(err)) == 0, "load %s: %s",
		   rel, err))
		img = NULL;
	free(b);
	return img;
}

static int64_t call(struct cordon_image *img, const char *fn, int64_t a, int64_t b, int64_t c)
{
	return cordon_direct_call(a, b, c, 0, 0, 0, cordon_image_symbol(img, fn));
}

/* the image's runtime, as InProcessSandbox starts it: a heap, and no
 * errno location for a confined image (it may not call out) */
static int init(struct cordon_image *img, int *(*errno_location)(void))
{
	size_t size = 64 << 20;
	void *heap = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (heap == MAP_FAILED)
		return -1;
	return (int)call(img, "cordon_domain_init", (int64_t)(uintptr_t)heap, (int64_t)size,
			 (int64_t)(uintptr_t)errno_location);
}

static void confined(void)
{
	struct cordon_image *img = load("test/confined/stress.so");
	char err[256] = "";

	if (!img)
		return;
	check(cordon_image_verified(img) == 1, "the confined stress.so is verified");
	check(cordon_direct_confine(img, err, sizeof(err)) == 1, "table filled (%s)", err);
	check(init(img, NULL) == 0, "cordon_domain_init returns through the direct call");
	check(call(img, "stress", 1, 20000, 0) == 0, "confined stress(1, 20000) runs, mallocs included");
	check(call(img, "set_errno", 5, 0, 0) == 0, "set_errno: errno stays inside the image");
	check(cordon_direct_confine(img, err, sizeof(err)) < 0 && contains(err, "filled already"),
	      "a second confine is refused (%s)", err);
	cordon_image_unload(img);
}

static void unconfined(void)
{
	struct cordon_image *img = load("test/images/basic.so");
	char err[256] = "";

	if (!img)
		return;
	check(cordon_direct_confine(img, err, sizeof(err)) == 0, "an unconfined image: nothing to fill");
	check(call(img, "add", 40, 2, 0) == 42, "unconfined add(40, 2) = 42 through the direct call");
	cordon_image_unload(img);
}

void test_direct(void)
{
	suite("direct calls (inprocess)");
	confined();
	unconfined();
}
