/*
 * The image's dynamic symbols: how many there are (from DT_HASH, else from
 * DT_GNU_HASH), reading one, and looking up an export by name. Every table
 * read is re-checked against the loaded segments, so a corrupt table gives
 * "not found" rather than a crash.
 */
#include <string.h>

#include "loader.h"

/* DT_GNU_HASH layout: four words, bloom filter, buckets, chains. */
struct gnu_hdr {
	uint32_t nbuckets;
	uint32_t symoffset;
	uint32_t bloom_size; /* in 64-bit words */
	uint32_t bloom_shift;
};

static int read32(const struct cordon_image *img, uint64_t vaddr, uint32_t *out)
{
	const unsigned char *p = loader_at(img, vaddr, 4, PF_R);

	if (!p)
		return -1;
	memcpy(out, p, 4);
	return 0;
}

static uint32_t sysv_hash(const char *s)
{
	uint32_t h = 0, g;

	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static int read_gnu_hdr(const struct cordon_image *img, struct gnu_hdr *g)
{
	const unsigned char *p = loader_at(img, img->gnu_hash, sizeof(*g), PF_R);

	if (!p)
		return -1;
	memcpy(g, p, sizeof(*g));
	return g->nbuckets ? 0 : -1; /* no buckets: nothing to divide by */
}

/* Words fit in 32 bits, so these sums cannot overflow 64. */
static uint64_t gnu_buckets(const struct cordon_image *img, const struct gnu_hdr *g)
{
	return img->gnu_hash + sizeof(*g) + (uint64_t)g->bloom_size * 8;
}

static uint64_t gnu_chains(const struct cordon_image *img, const struct gnu_hdr *g)
{
	return gnu_buckets(img, g) + (uint64_t)g->nbuckets * 4;
}

static int count_sysv(struct cordon_image *img, struct msg *m)
{
	uint32_t nbucket, nchain;

	if (read32(img, img->hash, &nbucket) || read32(img, img->hash + 4, &nchain) ||
	    nbucket == 0 ||
	    !loader_at(img, img->hash, 8 + 4 * ((uint64_t)nbucket + nchain), PF_R))
		return loader_bad(m, "DT_HASH table malformed or outside the loaded segments");
	img->nsyms = nchain;
	return 0;
}

/* The highest symbol index is the end of the chain of the highest bucket. */
static int count_gnu(struct cordon_image *img, struct msg *m)
{
	struct gnu_hdr g;
	uint32_t i, v = 0, top = 0;
	uint64_t idx, chains, left;
	const unsigned char *p;
	int seg;

	if (read_gnu_hdr(img, &g) ||
	    !loader_at(img, gnu_buckets(img, &g), (uint64_t)g.nbuckets * 4, PF_R))
		return loader_bad(m, "DT_GNU_HASH table malformed or outside the loaded segments");
	for (i = 0; i < g.nbuckets; i++) {
		read32(img, gnu_buckets(img, &g) + (uint64_t)i * 4, &v);
		if (v > top)
			top = v;
	}
	if (top == 0) {
		img->nsyms = g.symoffset;
		return 0;
	}
	if (top < g.symoffset)
		return loader_bad(m, "DT_GNU_HASH bucket below its symbol offset");
	/* ends at the chain's stop bit, or fails at the segment's end */
	chains = gnu_chains(img, &g) + (uint64_t)(top - g.symoffset) * 4;
	seg = loader_seg_index(img, chains, 4);
	if (seg < 0 || !(img->seg[seg].flags & PF_R))
		return loader_bad(m, "DT_GNU_HASH chain outside the loaded segments");
	left = (img->seg[seg].vaddr + img->seg[seg].memsz - chains) / 4;
	p = loader_at(img, chains, left * 4, PF_R);
	for (idx = 0; idx < left; idx++) {
		memcpy(&v, p + idx * 4, 4);
		if (v & 1)
			break;
	}
	if (idx == left)
		return loader_bad(m, "DT_GNU_HASH chain runs off the loaded segments");
	idx += top;
	img->nsyms = idx + 1;
	return 0;
}

int loader_count_symbols(struct cordon_image *img, struct msg *m)
{
	int rc = img->hash ? count_sysv(img, m) : count_gnu(img, m);

	if (rc)
		return rc;
	if (!loader_at(img, img->symtab, img->nsyms * sizeof(Elf64_Sym), PF_R)) {
		msg_str(m, "symbol table (");
		msg_dec(m, img->nsyms);
		return loader_bad(m, " entries) outside the loaded segments");
	}
	return 0;
}

int loader_read_symbol(const struct cordon_image *img, uint64_t index, Elf64_Sym *out)
{
	const unsigned char *p;

	if (index >= img->nsyms)
		return -1;
	p = loader_at(img, img->symtab + index * sizeof(*out), sizeof(*out), PF_R);
	if (!p)
		return -1;
	memcpy(out, p, sizeof(*out));
	return 0;
}

const char *loader_string(const struct cordon_image *img, uint64_t off, size_t *max)
{
	const char *p;

	*max = 0;
	if (off >= img->strsz)
		return NULL;
	p = (const char *)loader_at(img, img->strtab + off, img->strsz - off, PF_R);
	if (p)
		*max = (size_t)(img->strsz - off);
	return p;
}

/* Equal, and the image's string ends within its bounds. */
static int name_is(const char *s, size_t max, const char *want)
{
	size_t i;

	for (i = 0; i < max; i++) {
		if (s[i] != want[i])
			return 0;
		if (!s[i])
			return 1;
	}
	return 0;
}

/* Address of symbol `index` if it is called `name` and is an export:
 * defined here, a function or an object, global or weak, not hidden. */
static void *export_at(const struct cordon_image *img, uint64_t index, const char *name)
{
	Elf64_Sym s;
	const char *str;
	size_t max;
	int type, bind, vis;

	if (loader_read_symbol(img, index, &s))
		return NULL;
	str = loader_string(img, s.st_name, &max);
	if (!str || !name_is(str, max, name))
		return NULL;
	type = ELF64_ST_TYPE(s.st_info);
	bind = ELF64_ST_BIND(s.st_info);
	vis = ELF64_ST_VISIBILITY(s.st_other);
	if (s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE)
		return NULL;
	if (bind != STB_GLOBAL && bind != STB_WEAK)
		return NULL;
	if (vis != STV_DEFAULT && vis != STV_PROTECTED)
		return NULL;
	if (type == STT_FUNC)
		return loader_at(img, s.st_value, 1, PF_X);
	if (type == STT_OBJECT)
		return loader_at(img, s.st_value, s.st_size, 0);
	return NULL;
}

static void *lookup_gnu(const struct cordon_image *img, const char *name)
{
	struct gnu_hdr g;
	uint32_t h = gnu_hash(name), idx, v;
	uint64_t i;
	void *p;

	if (read_gnu_hdr(img, &g) ||
	    read32(img, gnu_buckets(img, &g) + (uint64_t)(h % g.nbuckets) * 4, &idx))
		return NULL;
	if (idx == 0 || idx < g.symoffset)
		return NULL;
	for (i = idx; i < img->nsyms; i++) {
		if (read32(img, gnu_chains(img, &g) + (i - g.symoffset) * 4, &v))
			return NULL;
		if ((v | 1) == (h | 1)) {
			p = export_at(img, i, name);
			if (p)
				return p;
		}
		if (v & 1)
			return NULL;
	}
	return NULL;
}

static void *lookup_sysv(const struct cordon_image *img, const char *name)
{
	uint32_t nbucket, nchain, idx, n;
	void *p;

	if (read32(img, img->hash, &nbucket) || read32(img, img->hash + 4, &nchain) ||
	    nbucket == 0 ||
	    read32(img, img->hash + 8 + (uint64_t)(sysv_hash(name) % nbucket) * 4, &idx))
		return NULL;
	/* at most nchain steps, so a looping chain ends too */
	for (n = 0; idx != STN_UNDEF && n < nchain; n++) {
		p = export_at(img, idx, name);
		if (p)
			return p;
		if (read32(img, img->hash + 8 + 4 * ((uint64_t)nbucket + idx), &idx))
			return NULL;
	}
	return NULL;
}

void *loader_lookup(const struct cordon_image *img, const char *name)
{
	if (img->gnu_hash)
		return lookup_gnu(img, name);
	return lookup_sysv(img, name);
}
