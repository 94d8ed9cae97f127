/*
 * The loader's entry points (include/cordon/image.h): the order of the
 * steps, and cleaning up after a failed one.
 */
#include <string.h>
#include <sys/mman.h>

#include "loader.h"

/* Only the functions of image.h leave libcordon.so (-fvisibility=hidden). */
#pragma GCC visibility push(default)
#include "cordon/image.h"
#pragma GCC visibility pop

/* Everything after the header check; `at`: see loader_map_at. */
static int load_steps(const unsigned char *bytes, struct cordon_image *img,
		      unsigned char *at, struct msg *m)
{
	int rc = loader_map_at(bytes, img, at, m);

	if (!rc)
		rc = loader_read_dynamic(img, m);
	if (!rc)
		rc = loader_count_symbols(img, m);
	if (!rc)
		rc = loader_relocate(img, m);
	/* after relocation: the bytes as they will run */
	if (!rc)
		rc = loader_verify(img, m);
	if (!rc)
		rc = loader_inspect(img, m);
	if (!rc)
		rc = loader_protect(img, m);
	return rc;
}

/* The image's bookkeeping, zeroed, in a page of its own, apart from what
 * the image can reach; NULL (with the reason in m) if out of memory. */
struct cordon_image *loader_new_plan(struct msg *m)
{
	struct cordon_image *img;

	img = mmap(NULL, LOADER_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (img == MAP_FAILED) {
		msg_str(m, "out of memory for the image bookkeeping");
		return NULL;
	}
	memset(img, 0, sizeof(*img));
	return img;
}

/* Both entry points: check, map (into `where` if not NULL: place.c),
 * relocate, inspect, protect; publish the bookkeeping read-only. */
int loader_load(const void *bytes, size_t len, unsigned char *where, size_t room,
		struct cordon_image **out, struct msg *m)
{
	struct cordon_image *img;
	unsigned char *at = NULL;
	int rc;

	if (!out)
		return loader_bad(m, "no place to store the image");
	*out = NULL;
	if (!bytes)
		return loader_bad(m, "no image bytes");
	img = loader_new_plan(m);
	if (!img)
		return -ENOMEM;
	rc = loader_check_headers(bytes, len, img, m);
	if (!rc)
		rc = loader_read_note(bytes, len, img, m);
	if (!rc && where)
		rc = loader_place(img, where, room, &at, m);
	if (!rc)
		rc = load_steps(bytes, img, at, m);
	if (rc) {
		loader_unmap(img);
		munmap(img, LOADER_PAGE);
		return rc;
	}
	mprotect(img, LOADER_PAGE, PROT_READ);
	*out = img;
	return 0;
}

int cordon_image_load(const void *bytes, size_t len, struct cordon_image **out,
		      char *err, size_t errlen)
{
	struct msg m;

	msg_init(&m, err, errlen);
	return loader_load(bytes, len, NULL, 0, out, &m);
}

void *cordon_image_symbol(const struct cordon_image *img, const char *name)
{
	unsigned char *p;

	if (!img || !name)
		return NULL;
	p = loader_lookup(img, name);
	/* a confined image's code is entered only where its branches may land */
	return p && loader_may_enter(img, p) ? p : NULL;
}

size_t cordon_image_mapped_size(const struct cordon_image *img)
{
	return img ? img->span : 0;
}

int cordon_image_fill_table(struct cordon_image *img, const void *exit0,
			    cordon_targets_fn targets, void *ctx, char *err, size_t errlen)
{
	struct msg m;
	uint64_t vaddr, size;
	int rc;

	msg_init(&m, err, errlen);
	if (!img || !targets)
		return loader_bad(&m, "no image or no targets");
	rc = loader_fill_table(img, (uint64_t)(uintptr_t)exit0, targets, ctx, &vaddr, &size, &m);
	if (rc)
		return rc;
	/* the bookkeeping page is read-only once loaded: open it for the record */
	if (mprotect(img, LOADER_PAGE, PROT_READ | PROT_WRITE)) {
		msg_str(&m, "cannot record the table");
		return -ENOMEM;
	}
	img->table_vaddr = vaddr;
	img->table_size = size;
	mprotect(img, LOADER_PAGE, PROT_READ);
	return 0;
}

int cordon_image_verified(const struct cordon_image *img)
{
	return img ? img->verified : 0;
}

void cordon_image_unload(struct cordon_image *img)
{
	if (!img)
		return;
	if (img->region && !img->borrowed)
		munmap(img->region, img->span);
	munmap(img, LOADER_PAGE);
}
