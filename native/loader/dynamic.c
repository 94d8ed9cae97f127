/*
 * The dynamic section: where the symbol, string, hash and relocation tables
 * are, and what the image would need from a dynamic linker that we refuse
 * to be (DT_NEEDED, TEXTREL, REL/RELR relocations, constructors).
 */
#include <string.h>

#include "loader.h"

#ifndef DT_RELR
#define DT_RELR 36 /* musl's elf.h predates it */
#endif

/* What the scan saw, beyond the fields kept in struct cordon_image. */
struct dyn_seen {
	int rela, relasz, jmprel, pltrelsz;
	int needed;
	uint64_t needed_name;
};

static int bad_tag(struct msg *m, const char *what, uint64_t value)
{
	msg_str(m, what);
	msg_dec(m, value);
	return -ENOEXEC;
}

static int take(const Elf64_Dyn *d, struct cordon_image *img,
		struct dyn_seen *seen, struct msg *m)
{
	uint64_t v = d->d_un.d_val;

	switch (d->d_tag) {
	case DT_NEEDED:
		if (!seen->needed) {
			seen->needed = 1;
			seen->needed_name = v;
		}
		return 0;
	case DT_RELA:     img->rela = v; seen->rela = 1; return 0;
	case DT_RELASZ:   img->relasz = v; seen->relasz = 1; return 0;
	case DT_JMPREL:   img->jmprel = v; seen->jmprel = 1; return 0;
	case DT_PLTRELSZ: img->pltrelsz = v; seen->pltrelsz = 1; return 0;
	case DT_SYMTAB:   img->symtab = v; return 0;
	case DT_STRTAB:   img->strtab = v; return 0;
	case DT_STRSZ:    img->strsz = v; return 0;
	case DT_HASH:     img->hash = v; return 0;
	case DT_GNU_HASH: img->gnu_hash = v; return 0;
	case DT_RELAENT:
		if (v != sizeof(Elf64_Rela))
			return bad_tag(m, "bad DT_RELAENT ", v);
		return 0;
	case DT_SYMENT:
		if (v != sizeof(Elf64_Sym))
			return bad_tag(m, "bad DT_SYMENT ", v);
		return 0;
	case DT_PLTREL:
		if (v != DT_RELA)
			return bad_tag(m, "DT_PLTREL is not DT_RELA but ", v);
		return 0;
	case DT_REL:
	case DT_RELSZ:
		return loader_bad(m, "REL relocations (DT_REL) are not supported");
	case DT_RELR:
		return loader_bad(m, "RELR relocations (DT_RELR) are not supported");
	case DT_TEXTREL:
		return loader_bad(m, "text relocations (DT_TEXTREL) are not supported");
	case DT_FLAGS:
		if (v & DF_TEXTREL)
			return loader_bad(m, "text relocations (DF_TEXTREL) are not supported");
		if (v & DF_STATIC_TLS)
			return loader_bad(m, "static TLS (DF_STATIC_TLS) is not supported");
		return 0;
	/* Constructors would run untrusted code inside the loader: refuse
	 * them rather than skip them silently. */
	case DT_INIT:
		return loader_bad(m, "constructors (DT_INIT) are not supported: "
				     "use cordon_domain_init");
	case DT_INIT_ARRAYSZ:
	case DT_PREINIT_ARRAYSZ:
		if (v)
			return loader_bad(m, "constructors (DT_INIT_ARRAY) are not "
					     "supported: use cordon_domain_init");
		return 0;
	default:
		return 0;
	}
}

/* A relocation table given by address and size must be whole and loaded. */
static int check_table(const struct cordon_image *img, uint64_t vaddr, uint64_t size,
		       const char *name, struct msg *m)
{
	if (size % sizeof(Elf64_Rela)) {
		msg_str(m, name);
		return loader_bad(m, " size is not a multiple of the entry size");
	}
	if (size && !loader_at(img, vaddr, size, PF_R)) {
		msg_str(m, name);
		return loader_bad(m, " table outside the loaded segments");
	}
	return 0;
}

static int check_needed(const struct cordon_image *img, const struct dyn_seen *seen,
			struct msg *m)
{
	const char *name;
	size_t max;

	if (!seen->needed)
		return 0;
	name = loader_string(img, seen->needed_name, &max);
	msg_str(m, "needs shared library ");
	msg_name(m, name, max);
	return loader_bad(m, " (DT_NEEDED): link everything into the image");
}

int loader_read_dynamic(struct cordon_image *img, struct msg *m)
{
	struct dyn_seen seen;
	const unsigned char *p;
	uint64_t n = img->dyn_size / sizeof(Elf64_Dyn), i;
	Elf64_Dyn d;
	int rc;

	memset(&seen, 0, sizeof(seen));
	p = loader_at(img, img->dyn_vaddr, n * sizeof(Elf64_Dyn), PF_R);
	if (!p)
		return loader_bad(m, "PT_DYNAMIC outside the loaded segments");
	for (i = 0; i < n; i++) {
		memcpy(&d, p + i * sizeof(d), sizeof(d));
		if (d.d_tag == DT_NULL)
			break;
		rc = take(&d, img, &seen, m);
		if (rc)
			return rc;
	}

	if (!img->symtab || !img->strtab)
		return loader_bad(m, "no DT_SYMTAB or DT_STRTAB");
	if (!loader_at(img, img->strtab, img->strsz, PF_R))
		return loader_bad(m, "DT_STRTAB outside the loaded segments");
	rc = check_needed(img, &seen, m);
	if (rc)
		return rc;
	if (!img->hash && !img->gnu_hash)
		return loader_bad(m, "no DT_HASH or DT_GNU_HASH");
	if (seen.rela != seen.relasz)
		return loader_bad(m, "DT_RELA and DT_RELASZ must come together");
	if (seen.jmprel != seen.pltrelsz)
		return loader_bad(m, "DT_JMPREL and DT_PLTRELSZ must come together");
	rc = check_table(img, img->rela, img->relasz, "DT_RELA", m);
	if (rc)
		return rc;
	return check_table(img, img->jmprel, img->pltrelsz, "DT_JMPREL", m);
}
