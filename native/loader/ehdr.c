/*
 * First look at an image: the ELF header and the program headers. Nothing is
 * mapped yet; this only decides whether we are willing to try, and records
 * the PT_LOAD segments, PT_DYNAMIC and PT_GNU_RELRO in the bookkeeping.
 */
#include <string.h>

#include "loader.h"

/* Highest vaddr we accept: far below where page_up() could wrap. */
#define LOADER_MAX_VADDR (1ull << 46)

static int bad_ph(struct msg *m, unsigned i, const char *what)
{
	msg_str(m, "program header ");
	msg_dec(m, i);
	msg_str(m, ": ");
	return loader_bad(m, what);
}

static int bad_value(struct msg *m, const char *what, uint64_t v, const char *tail)
{
	msg_str(m, what);
	msg_dec(m, v);
	return loader_bad(m, tail);
}

static int check_ident(const Elf64_Ehdr *eh, struct msg *m)
{
	const unsigned char *id = eh->e_ident;

	if (id[EI_MAG0] != ELFMAG0 || id[EI_MAG1] != ELFMAG1 ||
	    id[EI_MAG2] != ELFMAG2 || id[EI_MAG3] != ELFMAG3)
		return loader_bad(m, "not an ELF file (bad magic)");
	if (id[EI_CLASS] != ELFCLASS64)
		return bad_value(m, "not a 64-bit ELF file (EI_CLASS ", id[EI_CLASS], ")");
	if (id[EI_DATA] != ELFDATA2LSB)
		return bad_value(m, "not a little-endian ELF file (EI_DATA ", id[EI_DATA], ")");
	if (id[EI_VERSION] != EV_CURRENT)
		return bad_value(m, "unknown ELF version (EI_VERSION ", id[EI_VERSION], ")");
	/* ld writes GNU when the object uses GNU extensions such as IFUNC */
	if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU)
		return bad_value(m, "unsupported OS ABI (EI_OSABI ", id[EI_OSABI], ")");
	return 0;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t len, struct msg *m)
{
	int rc = check_ident(eh, m);

	if (rc)
		return rc;
	if (eh->e_machine != EM_X86_64)
		return bad_value(m, "not an x86-64 image (e_machine ", eh->e_machine, ")");
	if (eh->e_type != ET_DYN)
		return bad_value(m, "not a shared object (e_type ", eh->e_type,
				 ", want ET_DYN): build it with cordon-cc");
	if (eh->e_version != EV_CURRENT)
		return bad_value(m, "unknown ELF version (e_version ", eh->e_version, ")");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return bad_value(m, "bad program header size (e_phentsize ", eh->e_phentsize, ")");
	if (eh->e_phnum == 0)
		return loader_bad(m, "no program headers");
	if (eh->e_phnum > LOADER_MAX_PHDRS)
		return bad_value(m, "too many program headers (", eh->e_phnum, ")");
	if (eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return loader_bad(m, "program header table past end of file");
	return 0;
}

static int add_load(const Elf64_Phdr *ph, unsigned i, size_t len,
		    struct cordon_image *img, struct msg *m)
{
	struct seg *s;
	uint64_t align = ph->p_align > LOADER_PAGE ? ph->p_align : LOADER_PAGE;

	if (img->nseg == LOADER_MAX_LOADS)
		return bad_ph(m, i, "too many PT_LOAD segments");
	if (ph->p_memsz == 0)
		return bad_ph(m, i, "PT_LOAD with p_memsz 0");
	if (ph->p_filesz > ph->p_memsz)
		return bad_ph(m, i, "PT_LOAD with p_filesz larger than p_memsz");
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return bad_ph(m, i, "PT_LOAD past end of file");
	if (ph->p_vaddr >= LOADER_MAX_VADDR || ph->p_memsz >= LOADER_MAX_VADDR)
		return bad_ph(m, i, "PT_LOAD address out of range");
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return bad_ph(m, i, "PT_LOAD is both writable and executable (W+X)");
	if (align & (align - 1))
		return bad_ph(m, i, "PT_LOAD p_align is not a power of two");
	if (align > LOADER_MAX_ALIGN)
		return bad_ph(m, i, "PT_LOAD p_align larger than 2 MiB");
	/* Segments get their own pages: each page then has one protection,
	 * and .bss pages are fresh zero pages. ld lays images out that way. */
	if (img->nseg) {
		const struct seg *prev = &img->seg[img->nseg - 1];

		if (page_down(ph->p_vaddr) < page_up(prev->vaddr + prev->memsz))
			return bad_ph(m, i, "PT_LOAD overlaps, shares a page with or "
					    "precedes the previous one");
	}
	s = &img->seg[img->nseg++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->flags = ph->p_flags & (PF_R | PF_W | PF_X);
	if (align > img->align)
		img->align = align;
	return 0;
}

static int add_phdr(const Elf64_Phdr *ph, unsigned i, size_t len,
		    struct cordon_image *img, struct msg *m)
{
	switch (ph->p_type) {
	case PT_LOAD:
		return add_load(ph, i, len, img, m);
	case PT_DYNAMIC:
		if (img->has_dynamic)
			return bad_ph(m, i, "more than one PT_DYNAMIC");
		img->has_dynamic = 1;
		img->dyn_vaddr = ph->p_vaddr;
		img->dyn_size = ph->p_memsz;
		return 0;
	case PT_GNU_RELRO:
		if (img->has_relro)
			return bad_ph(m, i, "more than one PT_GNU_RELRO");
		img->has_relro = 1;
		img->relro_vaddr = ph->p_vaddr;
		img->relro_size = ph->p_memsz;
		return 0;
	case PT_INTERP:
		return bad_ph(m, i, "PT_INTERP: the image asks for a dynamic linker");
	case PT_TLS:
		return bad_ph(m, i, "PT_TLS: thread-local storage is not supported");
	case PT_GNU_STACK:
		if (ph->p_flags & PF_X)
			return bad_ph(m, i, "PT_GNU_STACK asks for an executable stack");
		return 0;
	default:
		/* PT_NOTE, PT_PHDR, PT_GNU_EH_FRAME, ...: nothing to do */
		return 0;
	}
}

int loader_check_headers(const unsigned char *bytes, size_t len,
			 struct cordon_image *img, struct msg *m)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	const struct seg *last;
	unsigned i;
	int rc;

	if (len < sizeof(eh))
		return bad_value(m, "image too small for an ELF header (", len, " bytes)");
	memcpy(&eh, bytes, sizeof(eh));
	rc = check_ehdr(&eh, len, m);
	if (rc)
		return rc;

	img->align = LOADER_PAGE;
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, bytes + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		rc = add_phdr(&ph, i, len, img, m);
		if (rc)
			return rc;
	}
	if (img->nseg == 0)
		return loader_bad(m, "no PT_LOAD segment");
	if (!img->has_dynamic)
		return loader_bad(m, "no PT_DYNAMIC: the image exports nothing");

	last = &img->seg[img->nseg - 1];
	img->low = page_down(img->seg[0].vaddr);
	img->span = page_up(last->vaddr + last->memsz) - img->low;
	if (img->span > LOADER_MAX_SPAN)
		return bad_value(m, "image spans ", img->span, " bytes, more than 1 GiB");

	if (img->has_relro && img->relro_size) {
		int s = loader_seg_index(img, img->relro_vaddr, img->relro_size);

		if (s < 0 || !(img->seg[s].flags & PF_W))
			return loader_bad(m, "PT_GNU_RELRO outside a writable PT_LOAD");
	}
	return 0;
}
