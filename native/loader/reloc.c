/*
 * Relocations from DT_RELA and DT_JMPREL. Four types only, symbols resolved
 * inside the image only: a domain image links nothing from outside itself.
 */
#include <string.h>

#include "loader.h"

static void put_sym_name(const struct cordon_image *img, const Elf64_Sym *s, struct msg *m)
{
	size_t max;
	const char *name = loader_string(img, s->st_name, &max);

	msg_name(m, name, max);
}

static int bad_sym(const struct cordon_image *img, const Elf64_Sym *s,
		   const char *what, const char *tail, struct msg *m)
{
	msg_str(m, what);
	put_sym_name(img, s, m);
	return loader_bad(m, tail);
}

/* S: the address of symbol `index`, defined in this image (0 for weak
 * undefined, as every ELF linker does). */
static int resolve(const struct cordon_image *img, uint32_t index, uint64_t *out,
		   struct msg *m)
{
	uint64_t base = (uint64_t)(uintptr_t)img->region - img->low;
	Elf64_Sym s;
	int type;

	*out = 0;
	if (index == STN_UNDEF)
		return 0;
	if (loader_read_symbol(img, index, &s)) {
		msg_str(m, "relocation names symbol ");
		msg_dec(m, index);
		msg_str(m, " but the symbol table has ");
		msg_dec(m, img->nsyms);
		return loader_bad(m, " entries");
	}
	type = ELF64_ST_TYPE(s.st_info);
	if (type == STT_TLS)
		return bad_sym(img, &s, "thread-local symbol ", " is not supported", m);
	if (type == STT_GNU_IFUNC)
		return bad_sym(img, &s, "IFUNC symbol ", " is not supported", m);
	if (s.st_shndx == SHN_UNDEF) {
		if (ELF64_ST_BIND(s.st_info) == STB_WEAK)
			return 0;
		return bad_sym(img, &s, "undefined symbol ",
			       " (an image links only against itself)", m);
	}
	if (s.st_shndx == SHN_ABS) {
		*out = s.st_value;
		return 0;
	}
	if (s.st_shndx >= SHN_LORESERVE)
		return bad_sym(img, &s, "symbol ", " in an unsupported special section", m);
	/* the end of the image is a valid address (think _end) */
	if (s.st_value < img->low || s.st_value - img->low > img->span)
		return bad_sym(img, &s, "symbol ", " lies outside the image", m);
	*out = base + s.st_value;
	return 0;
}

static int bad_type(const struct cordon_image *img, uint32_t type, uint32_t index,
		    struct msg *m)
{
	Elf64_Sym s;

	msg_str(m, "unsupported relocation type ");
	msg_dec(m, type);
	msg_str(m, " (");
	msg_str(m, loader_reloc_name(type));
	msg_str(m, ")");
	if (index != STN_UNDEF) {
		msg_str(m, " for symbol ");
		if (loader_read_symbol(img, index, &s))
			msg_str(m, "<bad index>");
		else
			put_sym_name(img, &s, m);
	}
	return -ENOEXEC;
}

static int apply_one(const struct cordon_image *img, const Elf64_Rela *r, struct msg *m)
{
	uint64_t base = (uint64_t)(uintptr_t)img->region - img->low;
	uint32_t type = (uint32_t)ELF64_R_TYPE(r->r_info);
	uint32_t index = (uint32_t)ELF64_R_SYM(r->r_info);
	unsigned char *where;
	uint64_t value;
	int rc;

	if (type != R_X86_64_RELATIVE && type != R_X86_64_64 &&
	    type != R_X86_64_GLOB_DAT && type != R_X86_64_JUMP_SLOT)
		return bad_type(img, type, index, m);
	/* writable segments only: code and read-only data are never patched */
	where = loader_at(img, r->r_offset, 8, PF_W);
	if (!where) {
		msg_str(m, "relocation at ");
		msg_hex(m, r->r_offset);
		return loader_bad(m, " outside the writable segments");
	}
	if (type == R_X86_64_RELATIVE) {
		value = base + (uint64_t)r->r_addend;
	} else {
		rc = resolve(img, index, &value, m);
		if (rc)
			return rc;
		if (type == R_X86_64_64)
			value += (uint64_t)r->r_addend;
	}
	memcpy(where, &value, sizeof(value));
	return 0;
}

static int apply_table(const struct cordon_image *img, uint64_t vaddr, uint64_t size,
		       struct msg *m)
{
	const unsigned char *p;
	Elf64_Rela r;
	uint64_t i, n = size / sizeof(r);
	int rc;

	if (n == 0)
		return 0;
	p = loader_at(img, vaddr, n * sizeof(r), PF_R);
	if (!p)
		return loader_bad(m, "relocation table outside the loaded segments");
	for (i = 0; i < n; i++) {
		memcpy(&r, p + i * sizeof(r), sizeof(r));
		rc = apply_one(img, &r, m);
		if (rc)
			return rc;
	}
	return 0;
}

int loader_relocate(struct cordon_image *img, struct msg *m)
{
	int rc = apply_table(img, img->rela, img->relasz, m);

	if (rc)
		return rc;
	return apply_table(img, img->jmprel, img->pltrelsz, m);
}
