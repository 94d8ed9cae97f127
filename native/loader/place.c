/*
 * Loading into caller-reserved space, and the page protections of a loaded
 * image (image_at.h): what the mpk backend needs to put an image inside a
 * domain's region and tag it.
 */
#include <string.h>
#include <sys/mman.h>

#include "image_at.h"
#include "loader.h"

/* Extra room for an image whose segments want more than page alignment. */
static size_t extra_of(const struct cordon_image *img)
{
	return img->align > LOADER_PAGE ? img->align : 0;
}

int cordon_image_room(const void *bytes, size_t len, size_t *room,
		      char *err, size_t errlen)
{
	struct cordon_image *img;
	struct msg m;
	int rc;

	msg_init(&m, err, errlen);
	if (!bytes || !room)
		return loader_bad(&m, "no image bytes");
	img = loader_new_plan(&m);
	if (!img)
		return -ENOMEM;
	rc = loader_check_headers(bytes, len, img, &m);
	if (!rc)
		*room = img->span + extra_of(img);
	munmap(img, LOADER_PAGE);
	return rc;
}

/* Where in [where, where + room) vaddr `low` lands: congruent to it
 * modulo the image's alignment; -ENOSPC with the sizes if it does not fit. */
int loader_place(const struct cordon_image *img, unsigned char *where, size_t room,
		 unsigned char **at, struct msg *m)
{
	uintptr_t a = (uintptr_t)where, want, p = a;

	if (img->align > LOADER_PAGE) {
		want = (uintptr_t)(img->low & (img->align - 1));
		p = a + ((want - a) & (img->align - 1));
	}
	if (p - a > room || room - (p - a) < img->span) {
		msg_str(m, "image needs ");
		msg_dec(m, img->span + extra_of(img));
		msg_str(m, " bytes, the space holds ");
		msg_dec(m, room);
		return -ENOSPC;
	}
	*at = (unsigned char *)p;
	return 0;
}

int cordon_image_load_at(const void *bytes, size_t len, void *where, size_t room,
			 struct cordon_image **out, char *err, size_t errlen)
{
	struct msg m;

	msg_init(&m, err, errlen);
	if (out && bytes && (!where || ((uintptr_t)where & (LOADER_PAGE - 1)))) {
		*out = NULL;
		msg_str(&m, "load address not page-aligned");
		return -EINVAL;
	}
	return loader_load(bytes, len, where, room, out, &m);
}

static int prot_of(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

struct ranges {
	struct cordon_image_range *r;
	unsigned n, max;
	int full;
};

static void push(struct ranges *rs, uintptr_t start, uintptr_t end, int prot)
{
	if (end <= start)
		return;
	if (rs->n == rs->max) {
		rs->full = 1;
		return;
	}
	rs->r[rs->n].start = start;
	rs->r[rs->n].len = end - start;
	rs->r[rs->n].prot = prot;
	rs->n++;
}

/* Make [lo, hi) read-only inside the one range that holds it (RELRO and a
 * filled __cordon_table each lie in one writable segment: ehdr.c and
 * table.c check), splitting it in up to three. */
static void read_only(struct ranges *rs, uintptr_t lo, uintptr_t hi)
{
	struct cordon_image_range piece[3], *t;
	unsigned i, j, k;

	for (i = 0; i < rs->n; i++) {
		t = &rs->r[i];
		if (hi <= lo || lo < t->start || hi > t->start + t->len)
			continue;
		piece[0] = (struct cordon_image_range){ t->start, lo - t->start, t->prot };
		piece[1] = (struct cordon_image_range){ lo, hi - lo, PROT_READ };
		piece[2] = (struct cordon_image_range){ hi, t->start + t->len - hi, t->prot };
		for (j = 0, k = 0; j < 3; j++)
			k += piece[j].len != 0;
		if (rs->n - 1 + k > rs->max) {
			rs->full = 1;
			return;
		}
		memmove(t + k, t + 1, (rs->n - i - 1) * sizeof(*t));
		rs->n += k - 1;
		for (j = 0; j < 3; j++)
			if (piece[j].len)
				*t++ = piece[j];
		return;
	}
}

int cordon_image_ranges(const struct cordon_image *img,
			struct cordon_image_range *out, unsigned max)
{
	struct ranges rs = { out, 0, max, 0 };
	uintptr_t base, prev, start, end;
	unsigned i;

	if (!img || !out)
		return -EINVAL;
	base = (uintptr_t)img->region - img->low;
	prev = (uintptr_t)img->region;
	for (i = 0; i < img->nseg; i++) {
		start = base + page_down(img->seg[i].vaddr);
		end = base + page_up(img->seg[i].vaddr + img->seg[i].memsz);
		push(&rs, prev, start, PROT_NONE);
		push(&rs, start, end, prot_of(img->seg[i].flags));
		prev = end;
	}
	if (img->has_relro && img->relro_size)
		read_only(&rs, base + page_down(img->relro_vaddr),
			  base + page_down(img->relro_vaddr + img->relro_size));
	if (img->table_size)
		read_only(&rs, base + img->table_vaddr, base + img->table_vaddr + img->table_size);
	return rs.full ? -ENOSPC : (int)rs.n;
}
