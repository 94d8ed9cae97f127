/*
 * The image's memory: one reservation for the whole span, each PT_LOAD
 * filled by copying from the caller's buffer (never mmap of a file), then
 * the final protections. Gaps between segments stay PROT_NONE.
 */
#include <string.h>
#include <sys/mman.h>

#include "loader.h"

int loader_seg_index(const struct cordon_image *img, uint64_t vaddr, uint64_t size)
{
	unsigned i;

	for (i = 0; i < img->nseg; i++) {
		const struct seg *s = &img->seg[i];
		uint64_t off;

		if (vaddr < s->vaddr)
			continue;
		off = vaddr - s->vaddr;
		if (off > s->memsz || size > s->memsz - off)
			continue;
		return (int)i;
	}
	return -1;
}

unsigned char *loader_at(const struct cordon_image *img, uint64_t vaddr,
			 uint64_t size, uint32_t need)
{
	int i = loader_seg_index(img, vaddr, size);

	if (i < 0 || (img->seg[i].flags & need) != need)
		return NULL;
	return img->region + (vaddr - img->low);
}

static unsigned char *reserve(const struct cordon_image *img)
{
	/* over-reserve when a segment wants more than page alignment */
	size_t extra = img->align > LOADER_PAGE ? img->align : 0;
	unsigned char *p, *r;
	uintptr_t a, want;

	p = mmap(NULL, img->span + extra, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (!extra)
		return p;
	/* vaddr `low` must land on an address congruent to it mod align */
	a = (uintptr_t)p;
	want = (uintptr_t)(img->low & (img->align - 1));
	r = p + ((want - a) & (img->align - 1));
	if (r > p)
		munmap(p, (size_t)(r - p));
	if (r + img->span < p + img->span + extra)
		munmap(r + img->span, (size_t)(p + img->span + extra - (r + img->span)));
	return r;
}

int loader_map(const unsigned char *bytes, struct cordon_image *img, struct msg *m)
{
	return loader_map_at(bytes, img, NULL, m);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older headers lack it */
#endif

/* The pages the file's bytes will be copied to, populated at once rather
 * than faulted in one by one (only the file's bytes: they are bounded by
 * the image's size). Best effort: a kernel before 5.14 faults them in. */
static void populate(unsigned char *dst, uint64_t len)
{
	uint64_t start = page_down((uintptr_t)dst);

	if (len)
		madvise((void *)(uintptr_t)start, page_up((uintptr_t)dst + len) - start, MADV_POPULATE_WRITE);
}

int loader_map_at(const unsigned char *bytes, struct cordon_image *img,
		  unsigned char *at, struct msg *m)
{
	unsigned i;

	img->region = at ? at : reserve(img);
	img->borrowed = at != NULL;
	if (!img->region) {
		img->region = NULL;
		msg_str(m, "cannot reserve ");
		msg_dec(m, img->span);
		msg_str(m, " bytes of address space for the image");
		return -ENOMEM;
	}
	/* the whole span writable for the copy, in one call; loader_protect
	 * then gives each page its final rights. Not MAP_POPULATE: a few
	 * hundred bytes of headers may declare a 1 GiB p_memsz, and its
	 * .bss must cost address space, not memory, until it is touched. */
	if (mmap(img->region, img->span, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		msg_str(m, "cannot map the PT_LOAD segments");
		return -ENOMEM;
	}
	for (i = 0; i < img->nseg; i++) {
		const struct seg *s = &img->seg[i];
		unsigned char *dst = img->region + (s->vaddr - img->low);
		uint64_t file_end = s->vaddr + s->filesz;
		uint64_t bss_page_end = page_up(file_end);

		populate(dst, s->filesz);
		memcpy(dst, bytes + s->offset, s->filesz);
		/* .bss: clear the tail of the last file page explicitly; pages
		 * past it were never touched, and anonymous pages start zero. */
		if (bss_page_end > s->vaddr + s->memsz)
			bss_page_end = s->vaddr + s->memsz;
		memset(dst + s->filesz, 0, bss_page_end - file_end);
	}
	return 0;
}

static int prot_of(uint32_t flags)
{
	int prot = PROT_NONE;

	if (flags & PF_R)
		prot |= PROT_READ;
	if (flags & PF_W)
		prot |= PROT_WRITE;
	if (flags & PF_X)
		prot |= PROT_EXEC;
	return prot;
}

/* The final rights of the page at offset off of the span: its segment's,
 * RELRO's read-only, or none between segments. */
static int final_prot(const struct cordon_image *img, uint64_t off)
{
	uint64_t va = img->low + off;
	unsigned i;

	if (img->has_relro && img->relro_size && va >= page_down(img->relro_vaddr) &&
	    va < page_down(img->relro_vaddr + img->relro_size))
		return PROT_READ; /* like ld.so: whole pages of it only */
	for (i = img->nseg; i-- > 0;) /* a page two share: the later one's */
		if (va >= page_down(img->seg[i].vaddr) &&
		    va < page_up(img->seg[i].vaddr + img->seg[i].memsz))
			return prot_of(img->seg[i].flags);
	return PROT_NONE;
}

/*
 * Every page of the span gets its final rights, one mprotect per run of
 * pages that share them, none for the runs that stay read-write as
 * loader_map_at left them: a few calls instead of two per segment.
 */
int loader_protect(struct cordon_image *img, struct msg *m)
{
	uint64_t start = 0, off;
	int prot = final_prot(img, 0), next;

	for (off = LOADER_PAGE; ; off += LOADER_PAGE) {
		next = off < img->span ? final_prot(img, off) : -1;
		if (next == prot)
			continue;
		if (prot != (PROT_READ | PROT_WRITE) &&
		    mprotect(img->region + start, off - start, prot)) {
			msg_str(m, "cannot protect the image at +0x");
			msg_hex(m, start);
			return -ENOMEM;
		}
		if (next < 0)
			return 0;
		start = off;
		prot = next;
	}
}

/* A borrowed region goes back to the caller as it came: PROT_NONE, its
 * contents discarded. */
void loader_unmap(struct cordon_image *img)
{
	if (img->region && img->borrowed)
		mmap(img->region, img->span, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	else if (img->region)
		munmap(img->region, img->span);
	img->region = NULL;
}

/* A confined image's one executable segment (the span its thunks check and
 * the verifier decodes), or NULL when there is none or more than one. */
const struct seg *loader_exec_segment(const struct cordon_image *img)
{
	const struct seg *found = NULL;
	unsigned i;

	for (i = 0; i < img->nseg; i++) {
		if (!(img->seg[i].flags & PF_X))
			continue;
		if (found)
			return NULL;
		found = &img->seg[i];
	}
	return found;
}
