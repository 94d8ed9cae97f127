/*
 * Refuse an image whose executable memory holds an instruction that writes
 * PKRU (mpk/inspect.c decides which), or, loaded for the mpk backend (into
 * a domain's region: image_at.h), one that writes the GS base. Runs after relocation and before the
 * final protections, on the bytes exactly as they will be executed. The
 * order is belt and braces: relocations could in principle write such
 * bytes into code, but reloc.c already refuses any relocation whose target
 * is not in a writable segment, and no segment is both W and X.
 *
 * What is scanned is what becomes executable: whole pages, from the page
 * holding an executable segment's first byte to the one holding its last
 * (padding and .bss tail included, since mprotect works on pages).
 * Executable page ranges that touch are scanned as one span, so a sequence
 * crossing from one into the next is seen; one that runs into a page that
 * is not executable cannot execute and is not refused.
 */
#include "cordon/inspect.h"
#include "loader.h"

/* The executable page range of segment i, or 0 if it is not executable. */
static int exec_range(const struct cordon_image *img, unsigned i,
		      uint64_t *start, uint64_t *end)
{
	const struct seg *s = &img->seg[i];

	if (!(s->flags & PF_X))
		return 0;
	*start = page_down(s->vaddr);
	*end = page_up(s->vaddr + s->memsz);
	return 1;
}

int loader_inspect(struct cordon_image *img, struct msg *m)
{
	uint64_t start, end, s2, e2;
	const char *what;
	size_t off;
	unsigned i = 0, j;

	/* segments are in ascending order and never share a page (ehdr.c) */
	while (i < img->nseg) {
		if (!exec_range(img, i, &start, &end)) {
			i++;
			continue;
		}
		for (j = i + 1; j < img->nseg && exec_range(img, j, &s2, &e2) &&
				s2 == end; j++)
			end = e2;
		i = j;
		if (!(img->borrowed ? cordon_inspect_code_mpk : cordon_inspect_code)(
			    img->region + (start - img->low), (size_t)(end - start), &off, &what))
			continue;
		msg_str(m, "executable byte at image offset ");
		msg_hex(m, start - img->low + off);
		msg_str(m, " is ");
		msg_str(m, what);
		return -ENOEXEC;
	}
	return 0;
}
