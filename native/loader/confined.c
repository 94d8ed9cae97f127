/*
 * A confined image (its ABI note says CORDON_ABI_CONFINED) is verified
 * before it may run (CONFINEMENT.md): its one executable segment, as
 * relocated and mapped, against the mapped addresses of __cordon_table and
 * __cordon_bad_target. A refusal carries the verifier's one-line reason.
 * The target bitmap goes into the table when the caller fills it; here it
 * is only computed, to refuse early. An image without the note is loaded
 * as before and stays unverified (cordon_image_verified).
 */
#include <sys/mman.h>

#include "cordon/image_abi.h"
#include "cordon/verify.h"
#include "loader.h"

int loader_verify(struct cordon_image *img, struct msg *m)
{
	struct cordon_verify_span span;
	struct cordon_verdict v;
	const struct seg *text;
	unsigned char *code, *table, *bad, *bitmap;
	uint64_t size;
	int rc;

	if (!img->has_abi_note || !(img->abi_flags & CORDON_ABI_CONFINED))
		return 0;
	text = loader_exec_segment(img);
	if (!text)
		return loader_bad(m, "a confined image has exactly one executable segment");
	code = loader_at(img, text->vaddr, text->memsz, PF_X);
	table = loader_lookup(img, CORDON_TABLE_SYMBOL);
	bad = loader_lookup(img, CORDON_BAD_TARGET_SYMBOL);
	if (!code || !table || !bad)
		return loader_bad(m, "a confined image exports " CORDON_TABLE_SYMBOL " and "
				  CORDON_BAD_TARGET_SYMBOL);
	span = (struct cordon_verify_span){ code, (size_t)text->memsz, (uintptr_t)code,
					    (uintptr_t)table, (uintptr_t)bad };
	/* no malloc in the loader: a mapping of its own */
	size = page_up(text->memsz / 8 + 1);
	bitmap = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bitmap == MAP_FAILED) {
		msg_str(m, "out of memory for the verifier's bitmap");
		return -ENOMEM;
	}
	rc = cordon_verify(&span, bitmap, &v);
	munmap(bitmap, size);
	if (rc) {
		msg_str(m, "the verifier refuses the confined image: ");
		msg_str(m, v.reason);
		return -ENOEXEC;
	}
	img->verified = 1;
	return 0;
}
