/*
 * libFuzzer target of the ELF image loader (include/cordon/image.h and the
 * mpk backend's loader/image_at.h). Each input is an image's bytes, loaded
 * both ways: into a reservation of the loader's own, and into borrowed
 * space, as a domain's region.
 *
 * Properties, any breach is a crash libFuzzer keeps:
 *  - a load returns an image or one error: 0 with an image, or -ENOEXEC /
 *    -ENOMEM with a one-line, non-empty reason and no image;
 *  - it never reads outside the input (ASan: the input is libFuzzer's own
 *    heap copy of exactly `size` bytes);
 *  - it never leaves a mapping behind: the loader's mmap, munmap and
 *    mprotect go through the accounting below (fuzz.mk compiles loader/
 *    with -Dmmap=fuzz_mmap ...), which also checks that it maps and
 *    protects only inside what it reserved itself or was lent;
 *  - a loaded image answers its symbol lookups and unloads cleanly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cordon/image.h"
#include "loader/image_at.h"

/* Inputs whose image needs more address space than this are only
 * header-checked, so the room lent to the second load (BORROWED_ROOM) is
 * one fixed size. (The loader no longer pre-fills a span; a huge .bss
 * costing no memory is test_loader_malformed's check.) */
#define FUZZ_MAX_ROOM (16u << 20)
#define BORROWED_ROOM (FUZZ_MAX_ROOM + (4u << 20))

/* The loader's live mappings, made by its own non-fixed mmap calls. */
#define MAX_LIVE 32
static struct span { uintptr_t start, end; } live[MAX_LIVE];
static unsigned nlive;
static uintptr_t lent_start, lent_end; /* the borrowed space, while lent */

static void die(const char *what, uintptr_t a, size_t len)
{
	fprintf(stderr, "fuzz_loader: %s (addr %#lx, len %#zx)\n", what,
		(unsigned long)a, len);
	abort();
}

static size_t pages(size_t len)
{
	return (len + 4095) & ~(size_t)4095;
}

/* [a, a+len) inside one live span or inside the borrowed space? */
static int owned(uintptr_t a, size_t len)
{
	unsigned i;

	if (lent_end && a >= lent_start && a + len <= lent_end)
		return 1;
	for (i = 0; i < nlive; i++)
		if (a >= live[i].start && a + len <= live[i].end)
			return 1;
	return 0;
}

void *fuzz_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int fuzz_munmap(void *addr, size_t len);
int fuzz_mprotect(void *addr, size_t len, int prot);

void *fuzz_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if ((flags & MAP_FIXED) && !owned((uintptr_t)addr, pages(len)))
		die("MAP_FIXED outside the loader's own space", (uintptr_t)addr, len);
	p = mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED || (flags & MAP_FIXED))
		return p;
	if (nlive == MAX_LIVE)
		die("more live mappings than the accounting holds", (uintptr_t)p, len);
	live[nlive].start = (uintptr_t)p;
	live[nlive].end = (uintptr_t)p + pages(len);
	nlive++;
	return p;
}

/* Take [a, e) out of the live spans, splitting one if needed. */
static void forget(uintptr_t a, uintptr_t e)
{
	unsigned i = 0;

	while (i < nlive) {
		struct span s = live[i];

		if (e <= s.start || a >= s.end) {
			i++;
			continue;
		}
		live[i] = live[--nlive];
		if (s.start < a)
			live[nlive++] = (struct span){ s.start, a };
		if (e < s.end) {
			if (nlive == MAX_LIVE)
				die("more live mappings than the accounting holds", a, e - a);
			live[nlive++] = (struct span){ e, s.end };
		}
	}
}

int fuzz_munmap(void *addr, size_t len)
{
	if (!owned((uintptr_t)addr, pages(len)) || (lent_end && (uintptr_t)addr >= lent_start &&
						      (uintptr_t)addr < lent_end))
		die("munmap of memory the loader does not own", (uintptr_t)addr, len);
	forget((uintptr_t)addr, (uintptr_t)addr + pages(len));
	return munmap(addr, len);
}

int fuzz_mprotect(void *addr, size_t len, int prot)
{
	if (!owned((uintptr_t)addr, pages(len)))
		die("mprotect outside the loader's own space", (uintptr_t)addr, len);
	return mprotect(addr, len, prot);
}

/* One error: a known code, no image, a non-empty line without newline. */
static void check_refusal(int rc, const struct cordon_image *img, const char *err)
{
	if (rc != -ENOEXEC && rc != -ENOMEM && rc != -ENOSPC)
		die("load returned an unexpected code", 0, (size_t)-rc);
	if (img)
		die("a refused load stored an image", (uintptr_t)img, 0);
	if (!err[0] || strchr(err, '\n'))
		die("a refused load's reason is empty or more than one line", 0, strlen(err));
}

static void check_loaded(const struct cordon_image *img)
{
	if (!img)
		die("a successful load stored no image", 0, 0);
	if (cordon_image_mapped_size(img) == 0)
		die("a loaded image maps nothing", 0, 0);
	/* lookups read the image's own tables: ASan and the segment checks */
	(void)cordon_image_symbol(img, "cordon_domain_init");
	(void)cordon_image_symbol(img, "");
	(void)cordon_image_symbol(img, "a_name_no_image_exports");
}

static void load_own(const uint8_t *data, size_t size)
{
	struct cordon_image *img = NULL;
	char err[256] = "";
	int rc = cordon_image_load(data, size, &img, err, sizeof(err));

	if (rc)
		check_refusal(rc, img, err);
	else
		check_loaded(img);
	cordon_image_unload(img);
}

static void load_borrowed(const uint8_t *data, size_t size, unsigned char *space)
{
	struct cordon_image_range r[CORDON_IMAGE_MAX_RANGES];
	struct cordon_image *img = NULL;
	char err[256] = "";
	int rc;

	lent_start = (uintptr_t)space;
	lent_end = lent_start + BORROWED_ROOM;
	rc = cordon_image_load_at(data, size, space, BORROWED_ROOM, &img, err, sizeof(err));
	if (rc) {
		check_refusal(rc, img, err);
	} else {
		check_loaded(img);
		if (cordon_image_ranges(img, r, CORDON_IMAGE_MAX_RANGES) <= 0)
			die("a loaded image has no page ranges", 0, 0);
	}
	cordon_image_unload(img);
	lent_start = lent_end = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char *space;
	char err[256] = "";
	size_t room = 0;
	int rc;

	if (!space) {
		space = mmap(NULL, BORROWED_ROOM, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (space == MAP_FAILED)
			die("cannot reserve the borrowed space", 0, BORROWED_ROOM);
	}
	rc = cordon_image_room(data, size, &room, err, sizeof(err));
	if (rc)
		check_refusal(rc, NULL, err);
	if (!rc && room <= FUZZ_MAX_ROOM) {
		load_own(data, size);
		load_borrowed(data, size, space);
	}
	if (nlive)
		die("the loader left a mapping behind", live[0].start,
		    live[0].end - live[0].start);
	return 0;
}
