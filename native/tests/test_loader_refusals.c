/* Images the loader must refuse, each with a message naming the reason. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

static unsigned char *base;
static size_t base_len;

/* Load b and expect a refusal whose text holds `want`. */
static void expect_refused(const unsigned char *b, size_t len, const char *what,
			   const char *want)
{
	struct cordon_image *img = NULL;
	char err[256] = "";
	int rc = cordon_image_load(b, len, &img, err, sizeof(err));

	check(rc == -ENOEXEC && img == NULL && contains(err, want),
	      "%s: refused with \"%s\" (rc %d)", what, err, rc);
	if (rc == 0)
		cordon_image_unload(img);
}

static Elf64_Ehdr ehdr_of(const unsigned char *b)
{
	Elf64_Ehdr eh;

	memcpy(&eh, b, sizeof(eh));
	return eh;
}

/* Index of the first program header of `type`, or -1. */
static int find_phdr(const unsigned char *b, uint32_t type, Elf64_Phdr *out)
{
	Elf64_Ehdr eh = ehdr_of(b);
	int i;

	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(out, b + eh.e_phoff + (size_t)i * sizeof(*out), sizeof(*out));
		if (out->p_type == type)
			return i;
	}
	return -1;
}

static void put_phdr(unsigned char *b, int i, const Elf64_Phdr *ph)
{
	Elf64_Ehdr eh = ehdr_of(b);

	memcpy(b + eh.e_phoff + (size_t)i * sizeof(*ph), ph, sizeof(*ph));
}

static unsigned char *copy_of_base(void)
{
	unsigned char *c = malloc(base_len);

	memcpy(c, base, base_len);
	return c;
}

static void wrong_headers(void)
{
	unsigned char *c = copy_of_base();
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int i;

	eh = ehdr_of(base);
	eh.e_machine = EM_AARCH64;
	memcpy(c, &eh, sizeof(eh));
	expect_refused(c, base_len, "wrong machine", "not an x86-64 image (e_machine 183)");

	eh = ehdr_of(base);
	eh.e_type = ET_EXEC;
	memcpy(c, &eh, sizeof(eh));
	expect_refused(c, base_len, "ET_EXEC", "not a shared object (e_type 2");

	eh = ehdr_of(base);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	memcpy(c, &eh, sizeof(eh));
	expect_refused(c, base_len, "ELF32", "not a 64-bit ELF file");

	eh = ehdr_of(base);
	eh.e_ident[EI_DATA] = ELFDATA2MSB;
	memcpy(c, &eh, sizeof(eh));
	expect_refused(c, base_len, "big-endian", "not a little-endian ELF file");

	/* W+X: make the writable segment executable too */
	memcpy(c, base, base_len);
	for (i = 0; i < ehdr_of(c).e_phnum; i++) {
		memcpy(&ph, c + ehdr_of(c).e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && (ph.p_flags & PF_W)) {
			ph.p_flags |= PF_X;
			put_phdr(c, i, &ph);
			break;
		}
	}
	expect_refused(c, base_len, "W+X segment", "both writable and executable (W+X)");

	/* PT_INTERP: turn PT_GNU_STACK into one */
	memcpy(c, base, base_len);
	i = find_phdr(c, PT_GNU_STACK, &ph);
	ph.p_type = PT_INTERP;
	put_phdr(c, i, &ph);
	expect_refused(c, base_len, "PT_INTERP", "PT_INTERP");

	memcpy(c, base, base_len);
	i = find_phdr(c, PT_GNU_STACK, &ph);
	ph.p_flags |= PF_X;
	put_phdr(c, i, &ph);
	expect_refused(c, base_len, "executable stack", "executable stack");

	/* a segment whose file range lies past the end */
	memcpy(c, base, base_len);
	i = find_phdr(c, PT_LOAD, &ph);
	ph.p_offset = (uint64_t)-4096;
	put_phdr(c, i, &ph);
	expect_refused(c, base_len, "p_offset overflow", "PT_LOAD past end of file");

	memcpy(c, base, base_len);
	i = find_phdr(c, PT_LOAD, &ph);
	ph.p_memsz = (uint64_t)-1;
	put_phdr(c, i, &ph);
	expect_refused(c, base_len, "huge p_memsz", "PT_LOAD");
	free(c);
}

/* DT_NEEDED: rewrite the DT_SYMBOLIC entry (the first tag cordon-cc
 * writes) into a DT_NEEDED naming a string of the image. */
static void needed(void)
{
	unsigned char *c = copy_of_base();
	Elf64_Phdr ph;
	Elf64_Dyn d;
	size_t off;
	int done = 0;

	if (find_phdr(c, PT_DYNAMIC, &ph) >= 0) {
		for (off = ph.p_offset; off + sizeof(d) <= ph.p_offset + ph.p_filesz;
		     off += sizeof(d)) {
			memcpy(&d, c + off, sizeof(d));
			if (d.d_tag == DT_SYMBOLIC) {
				d.d_tag = DT_NEEDED;
				d.d_un.d_val = 1;
				memcpy(c + off, &d, sizeof(d));
				done = 1;
				break;
			}
		}
	}
	if (check(done, "found DT_SYMBOLIC to rewrite"))
		expect_refused(c, base_len, "DT_NEEDED", "needs shared library ");
	free(c);
}

static void tls(void)
{
	size_t len;
	unsigned char *b = read_image("bad_tls.so", &len);
	Elf64_Phdr ph;
	int i;

	if (!check(b != NULL, "read bad_tls.so"))
		return;
	expect_refused(b, len, "TLS image", "PT_TLS");
	/* hide PT_TLS: the TLS relocations must be refused by name */
	i = find_phdr(b, PT_TLS, &ph);
	if (check(i >= 0, "bad_tls.so has PT_TLS")) {
		ph.p_type = PT_NULL;
		put_phdr(b, i, &ph);
		expect_refused(b, len, "TLS relocation",
			       "unsupported relocation type 16 (R_X86_64_DTPMOD64) for symbol tv");
	}
	free(b);
}

static void undefined(void)
{
	size_t len;
	unsigned char *b = read_image("bad_undef.so", &len);

	if (!check(b != NULL, "read bad_undef.so"))
		return;
	expect_refused(b, len, "undefined symbol", "undefined symbol missing_fn");
	free(b);
}

void test_loader_refusals(void)
{
	suite("loader: refusals");
	base = read_image("basic.so", &base_len);
	if (!check(base != NULL, "read basic.so"))
		return;
	wrong_headers();
	needed();
	tls();
	undefined();
	free(base);
}
