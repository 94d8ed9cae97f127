/*
 * __cordon_table of a confined image (CONFINEMENT.md): the span length,
 * the exit slots and the target bitmap, written once after the load and
 * then made read-only, before any code of the image runs.
 *
 * Which offsets are permitted targets is the caller's to say (the
 * verifier's instruction boundaries): this file only checks where the
 * table is and writes it.
 */
#include <string.h>
#include <sys/mman.h>

#include "cordon/image_abi.h"
#include "loader.h"

/* RELRO's whole pages are read-only already (map.c's final_prot): a table
 * there would fault the loader's own writes. */
static int in_relro(const struct cordon_image *img, uint64_t va, uint64_t size)
{
	uint64_t lo, hi;

	if (!img->has_relro || !img->relro_size)
		return 0;
	lo = page_down(img->relro_vaddr);
	hi = page_down(img->relro_vaddr + img->relro_size);
	return va < hi && lo < va + size;
}

static void put64(unsigned char *at, uint64_t v)
{
	memcpy(at, &v, sizeof(v));
}

int loader_fill_table(const struct cordon_image *img, uint64_t exit0,
		      loader_targets_fn targets, void *ctx, uint64_t *table_vaddr,
		      uint64_t *table_size, struct msg *m)
{
	const struct seg *text = loader_exec_segment(img);
	unsigned char *table, *code, *bad;
	uint64_t size, off, i, filled;

	if (!text)
		return loader_bad(m, "a confined image has exactly one executable segment");
	table = loader_lookup(img, CORDON_TABLE_SYMBOL);
	bad = loader_lookup(img, CORDON_BAD_TARGET_SYMBOL);
	if (!table || !bad)
		return loader_bad(m, "no " CORDON_TABLE_SYMBOL " or " CORDON_BAD_TARGET_SYMBOL
				  " exported: not a confined image");
	/* whole pages: they are made read-only */
	size = page_up(CORDON_TABLE_BITMAP + (text->memsz + 7) / 8);
	off = (uint64_t)(table - img->region);
	code = loader_at(img, text->vaddr, text->memsz, PF_X);
	if (off % LOADER_PAGE || !loader_at(img, img->low + off, size, PF_W) || !code ||
	    in_relro(img, img->low + off, size))
		return loader_bad(m, CORDON_TABLE_SYMBOL " is not page-aligned in a writable "
				  "segment outside RELRO, or smaller than the executable span needs");
	/* zero in the file (NOBITS); once written it is read-only */
	memcpy(&filled, table + CORDON_TABLE_SPAN, sizeof(filled));
	if (filled)
		return loader_bad(m, CORDON_TABLE_SYMBOL " is filled already");
	put64(table + CORDON_TABLE_SPAN, text->memsz);
	put64(table + CORDON_TABLE_EXITS, exit0);
	for (i = 1; i < CORDON_TABLE_NEXITS; i++)
		put64(table + CORDON_TABLE_EXITS + 8 * i, (uint64_t)(uintptr_t)bad);
	memset(table + CORDON_TABLE_BITMAP, 0, size - CORDON_TABLE_BITMAP);
	if (targets(ctx, code, (size_t)text->memsz, table + CORDON_TABLE_BITMAP))
		return loader_bad(m, "the image's permitted targets could not be found");
	if (mprotect(table, size, PROT_READ)) {
		msg_str(m, "cannot make " CORDON_TABLE_SYMBOL " read-only");
		return -ENOMEM;
	}
	*table_vaddr = img->low + off;
	*table_size = size;
	return 0;
}

/*
 * An export of a confined image is an entry of its code: a symbol that
 * points into the span off a permitted target (the middle of an
 * instruction, a CHECK's inner instructions) would let the caller's jump
 * skip what the verifier checked.
 */
int loader_may_enter(const struct cordon_image *img, const unsigned char *p)
{
	const struct seg *text = loader_exec_segment(img);
	const unsigned char *code, *bitmap;
	uint64_t off;

	if (!img->table_size || !text)
		return 1;
	code = img->region + (text->vaddr - img->low);
	if (p < code || (uint64_t)(p - code) >= text->memsz)
		return 1; /* data: never called, the gate checks it is not code */
	off = (uint64_t)(p - code);
	bitmap = img->region + (img->table_vaddr - img->low) + CORDON_TABLE_BITMAP;
	return (bitmap[off / 8] >> (off % 8)) & 1;
}
