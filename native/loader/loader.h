/*
 * Internals of the image loader, shared by its files. Nothing here is ABI.
 */
#ifndef CORDON_LOADER_H
#define CORDON_LOADER_H

#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define LOADER_PAGE      4096u
#define LOADER_MAX_PHDRS 64          /* cordon-cc images have about 8 */
#define LOADER_MAX_LOADS 16
#define LOADER_MAX_SPAN  (1ull << 30) /* refuse images wider than 1 GiB */
#define LOADER_MAX_ALIGN (1ull << 21) /* largest p_align honoured: 2 MiB */

/* One PT_LOAD, as validated from the program header. */
struct seg {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;    /* PF_R | PF_W | PF_X */
};

/* Lives in its own small mapping, read-only once the load has succeeded. */
struct cordon_image {
	unsigned char *region; /* the reservation: vaddr `low` is here */
	size_t span;           /* bytes reserved */
	int borrowed;          /* region is the caller's (image_at.h): never unmapped here */
	uint64_t low;          /* page-aligned lowest vaddr of the image */
	uint64_t align;        /* largest p_align, a power of two >= a page */
	unsigned nseg;
	struct seg seg[LOADER_MAX_LOADS];

	int has_dynamic;
	uint64_t dyn_vaddr, dyn_size;
	int has_relro;
	uint64_t relro_vaddr, relro_size;

	/* from the dynamic section; vaddrs, 0 when absent */
	uint64_t symtab, strtab, strsz, hash, gnu_hash;
	uint64_t rela, relasz, jmprel, pltrelsz;
	uint64_t nsyms;        /* symbols that may be indexed */

	/* the ABI note (note.c), and whether the verifier passed the image */
	int has_abi_note;
	uint32_t abi_version, abi_flags;
	int verified;
	/* __cordon_table once written (table.c): read-only from then on, and
	 * reported so by cordon_image_ranges, which backends re-protect from */
	uint64_t table_vaddr, table_size;
};

_Static_assert(sizeof(struct cordon_image) <= LOADER_PAGE, "bookkeeping fits a page");

static inline uint64_t page_down(uint64_t v)
{
	return v & ~(uint64_t)(LOADER_PAGE - 1);
}

/* Callers keep v below 2^63, so this cannot wrap. */
static inline uint64_t page_up(uint64_t v)
{
	return page_down(v + LOADER_PAGE - 1);
}

/* Every failure path ends here: the text goes to the caller's buffer. */
static inline int loader_bad(struct msg *m, const char *what)
{
	msg_str(m, what);
	return -ENOEXEC;
}

/* ehdr.c: check the ELF and program headers of `bytes`, fill the plan. */
int loader_check_headers(const unsigned char *bytes, size_t len,
			 struct cordon_image *img, struct msg *m);

/* image.c: the bookkeeping page of a load, zeroed; NULL if out of memory */
struct cordon_image *loader_new_plan(struct msg *m);
/* image.c: the whole load, into [where, where + room) if where is not NULL */
int loader_load(const void *bytes, size_t len, unsigned char *where, size_t room,
		struct cordon_image **out, struct msg *m);
/* place.c: where in [where, where + room) the image goes, or -ENOSPC */
int loader_place(const struct cordon_image *img, unsigned char *where, size_t room,
		 unsigned char **at, struct msg *m);

/* map.c; loader_map places the image at `at` if not NULL (room checked
 * by the caller), else in a reservation of its own */
int loader_map_at(const unsigned char *bytes, struct cordon_image *img,
		  unsigned char *at, struct msg *m);
int loader_map(const unsigned char *bytes, struct cordon_image *img, struct msg *m);
int loader_protect(struct cordon_image *img, struct msg *m);
void loader_unmap(struct cordon_image *img);

/* Pointer to [vaddr, vaddr+size) if it lies inside one PT_LOAD whose flags
 * include `need`, else NULL. The only way loader code reaches image memory. */
int loader_seg_index(const struct cordon_image *img, uint64_t vaddr, uint64_t size);
unsigned char *loader_at(const struct cordon_image *img, uint64_t vaddr,
			 uint64_t size, uint32_t need);

/* dynamic.c: read the dynamic section, refuse what we do not support. */
int loader_read_dynamic(struct cordon_image *img, struct msg *m);

/* symbols.c */
int loader_count_symbols(struct cordon_image *img, struct msg *m);
int loader_read_symbol(const struct cordon_image *img, uint64_t index, Elf64_Sym *out);
/* The image's NUL-terminated name at strtab+off: pointer and the most bytes
 * that may be read there, or NULL. */
const char *loader_string(const struct cordon_image *img, uint64_t off, size_t *max);
void *loader_lookup(const struct cordon_image *img, const char *name);

/* note.c: the image's ABI note, from the file's bytes, if it has one */
int loader_read_note(const unsigned char *bytes, size_t len, struct cordon_image *img,
		     struct msg *m);
/* confined.c: verify a confined image's code (native/CONFINEMENT.md) */
int loader_verify(struct cordon_image *img, struct msg *m);

/* inspect.c: refuse executable bytes that could write PKRU. */
int loader_inspect(struct cordon_image *img, struct msg *m);

/* table.c: write a confined image's __cordon_table (CONFINEMENT.md),
 * exit slot 0 = exit0, the bitmap from `targets` (cordon_targets_fn of
 * image.h, which is not included here: image.c includes it to export it),
 * then make it read-only */
typedef int (*loader_targets_fn)(void *ctx, const unsigned char *code, size_t span,
				 unsigned char *bitmap);
const struct seg *loader_exec_segment(const struct cordon_image *img);
/* 1 unless p lies in a filled table's span off every permitted target */
int loader_may_enter(const struct cordon_image *img, const unsigned char *p);
int loader_fill_table(const struct cordon_image *img, uint64_t exit0,
		      loader_targets_fn targets, void *ctx, uint64_t *table_vaddr,
		      uint64_t *table_size, struct msg *m);

/* reloc.c */
int loader_relocate(struct cordon_image *img, struct msg *m);
/* reloc_names.c */
const char *loader_reloc_name(uint32_t type);

#endif
