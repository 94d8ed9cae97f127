/*
 * verify-bench IMAGE...: how long verifying each image's executable span
 * takes (make verify-bench: zlib's image), and how long decoding it alone
 * takes. Best of RUNS runs, in ms. An image that is not confined (no
 * __cordon_table) is refused at its first ret: its verify figure then
 * times only the way there, and the line says so. Reads the ELF file
 * itself (the span as it is in the file, at its link-time vaddr): the
 * loader's work is not what is measured.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cordon/verify.h"
#include "verify/x86.h"

#define RUNS 20

struct span {
	const uint8_t *code;
	size_t len;
	uint64_t vaddr, table, bad;
};

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n)) && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	*len = b ? (size_t)n : 0;
	fclose(f);
	return b;
}

/* a .dynsym symbol's value, 0 if absent (the bench trusts its input) */
static uint64_t symbol(const uint8_t *f, size_t len, const char *name)
{
	const Elf64_Ehdr *eh = (const void *)f;
	const Elf64_Shdr *sh = (const void *)(f + eh->e_shoff);
	unsigned i;
	size_t k;

	if (eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh) > len)
		return 0;
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *sym = (const void *)(f + sh[i].sh_offset);
		const char *str;

		if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum)
			continue;
		str = (const char *)f + sh[sh[i].sh_link].sh_offset;
		for (k = 0; k < sh[i].sh_size / sizeof(*sym); k++)
			if (!strcmp(str + sym[k].st_name, name))
				return sym[k].st_value;
	}
	return 0;
}

static int exec_span(const uint8_t *f, size_t len, struct span *s)
{
	const Elf64_Ehdr *eh = (const void *)f;
	const Elf64_Phdr *ph = (const void *)(f + eh->e_phoff);
	unsigned i;

	if (len < sizeof(*eh) || memcmp(f, ELFMAG, SELFMAG))
		return -1;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X) &&
		    ph[i].p_offset + ph[i].p_filesz <= len) {
			s->code = f + ph[i].p_offset;
			s->len = ph[i].p_filesz;
			s->vaddr = ph[i].p_vaddr;
			s->table = symbol(f, len, "__cordon_table");
			s->bad = symbol(f, len, "__cordon_bad_target");
			return 0;
		}
	return -1;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* every instruction from the start, while it decodes: their count */
static size_t decode_all(const struct span *s)
{
	struct x86_insn in;
	size_t off = 0, n = 0;

	while (off < s->len && x86_decode(s->code, s->len, off, &in) == 0) {
		off += in.len;
		n++;
	}
	return n;
}

static void bench(const char *path)
{
	struct cordon_verify_span vs;
	struct cordon_verdict v;
	double t0, best_dec = 1e9, best_ver = 1e9;
	size_t len, n = 0;
	struct span s;
	uint8_t *f = slurp(path, &len), *targets;
	int r, rc = 0;

	if (!f || exec_span(f, len, &s)) {
		printf("verify-bench: %s: cannot read its executable segment\n", path);
		free(f);
		return;
	}
	targets = malloc(s.len / 8 + 1);
	vs = (struct cordon_verify_span){ s.code, s.len, s.vaddr, s.table, s.bad };
	for (r = 0; r < RUNS; r++) {
		t0 = now_ms();
		n = decode_all(&s);
		if (now_ms() - t0 < best_dec)
			best_dec = now_ms() - t0;
		t0 = now_ms();
		rc = cordon_verify(&vs, targets, &v);
		if (now_ms() - t0 < best_ver)
			best_ver = now_ms() - t0;
	}
	printf("verify-bench: %s: %zu bytes, %zu instructions: decode %.3f ms, verify %.3f ms (%s%s)\n",
	       path, s.len, n, best_dec, best_ver, rc ? "refused: " : "verified",
	       rc ? v.reason : "");
	if (rc && !s.table)
		printf("verify-bench: %s is not confined (no __cordon_table): the verify figure "
		       "stops at its first refusal\n", path);
	free(targets);
	free(f);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: verify-bench IMAGE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		bench(argv[i]);
	return 0;
}
