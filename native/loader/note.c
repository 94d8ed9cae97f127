/*
 * The image's ABI note (CONFINEMENT.md, "What the image carries"): in a
 * PT_NOTE, name "Cordon", type NT_CORDON_ABI, a descriptor of two u32, the
 * ABI version and the flags. Read from the file's bytes before anything
 * is mapped; an image without one is loaded as before, unverified. Every
 * read is bounded by the note segment, itself inside the file (checked).
 */
#include <string.h>

#include "cordon/image_abi.h"
#include "loader.h"

#define NOTE_ALIGN 4

static uint64_t align4(uint64_t v)
{
	return (v + NOTE_ALIGN - 1) & ~(uint64_t)(NOTE_ALIGN - 1);
}

/* the notes of one PT_NOTE at bytes[off, off + size) */
static int read_notes(const unsigned char *bytes, uint64_t off, uint64_t size,
		      struct cordon_image *img, struct msg *m)
{
	static const char name[] = CORDON_NOTE_NAME;
	Elf64_Nhdr nh;
	uint64_t at = 0, desc;
	uint32_t d[2];

	while (size - at >= sizeof(nh)) {
		memcpy(&nh, bytes + off + at, sizeof(nh));
		desc = at + sizeof(nh) + align4(nh.n_namesz);
		if (nh.n_namesz > size || nh.n_descsz > size || desc > size ||
		    align4(nh.n_descsz) > size - desc)
			return loader_bad(m, "a PT_NOTE's note runs past its segment");
		if (nh.n_type == NT_CORDON_ABI && nh.n_namesz == sizeof(name) &&
		    !memcmp(bytes + off + at + sizeof(nh), name, sizeof(name))) {
			if (img->has_abi_note)
				return loader_bad(m, "more than one " CORDON_NOTE_SECTION " note");
			if (nh.n_descsz != sizeof(d))
				return loader_bad(m, CORDON_NOTE_SECTION
						  ": the descriptor is not two u32 (version, flags)");
			memcpy(d, bytes + off + desc, sizeof(d));
			img->has_abi_note = 1;
			img->abi_version = d[0];
			img->abi_flags = d[1];
		}
		at = desc + align4(nh.n_descsz);
	}
	return 0;
}

int loader_read_note(const unsigned char *bytes, size_t len, struct cordon_image *img,
		     struct msg *m)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned i;
	int rc;

	/* loader_check_headers has checked the header and the table's bounds */
	memcpy(&eh, bytes, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, bytes + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			return loader_bad(m, "a PT_NOTE past the end of the file");
		rc = read_notes(bytes, ph.p_offset, ph.p_filesz, img, m);
		if (rc)
			return rc;
	}
	if (img->has_abi_note && img->abi_version != CORDON_IMAGE_ABI_VERSION) {
		msg_str(m, CORDON_NOTE_SECTION ": domain image ABI version ");
		msg_dec(m, img->abi_version);
		msg_str(m, ", this loader knows ");
		msg_dec(m, CORDON_IMAGE_ABI_VERSION);
		return -ENOEXEC;
	}
	return 0;
}
