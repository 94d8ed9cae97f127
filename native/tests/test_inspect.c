/* cordon_inspect_code on crafted bytes, and the loader refusing an image
 * with WRPKRU or XRSTOR in its code. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cordon/image.h"
#include "cordon/inspect.h"
#include "harness.h"
#include "suites.h"

static const char WR[] = "WRPKRU (0f 01 ef)";
static const char XR[] = "XRSTOR (0f ae /5)";

/* Expect a refusal of `what` at `at` (want NULL: expect clean). */
static void expect(const uint8_t *b, size_t len, const char *want, size_t at,
		   const char *desc)
{
	size_t off = (size_t)-1;
	const char *what = NULL;
	int rc = cordon_inspect_code(b, len, &off, &what);

	if (!want)
		check(rc == 0, "%s: clean (rc %d)", desc, rc);
	else
		check(rc == -1 && off == at && what && !strcmp(what, want),
		      "%s: %s at %zu (rc %d, got %s at %zu)", desc, want, at, rc,
		      what ? what : "nothing", off);
}

static void crafted(void)
{
	uint8_t b[64];
	unsigned mod, rm;
	char desc[96];

	memset(b, 0x90, sizeof(b));
	expect(b, sizeof(b), NULL, 0, "all NOPs");
	expect(NULL, 0, NULL, 0, "empty");
	memcpy(b, "\x0f\x01\xef", 3);
	expect(b, sizeof(b), WR, 0, "WRPKRU at 0");
	memset(b, 0x90, sizeof(b));
	memcpy(b + 17, "\x0f\x01\xef", 3);
	expect(b, sizeof(b), WR, 17, "WRPKRU unaligned");
	/* inside another instruction: mov $0xef010f, %eax */
	memset(b, 0x90, sizeof(b));
	memcpy(b + 8, "\xb8\x0f\x01\xef\x00", 5);
	expect(b, sizeof(b), WR, 9, "WRPKRU inside an immediate");
	memset(b, 0x90, sizeof(b));
	memcpy(b + 61, "\x0f\x01\xef", 3);
	expect(b, sizeof(b), WR, 61, "WRPKRU as the very last bytes");
	expect(b, 63, NULL, 0, "WRPKRU cut off by the end");
	expect(b, 62, NULL, 0, "0f alone at the end");
	memset(b, 0x90, sizeof(b));
	memcpy(b + 4, "\x0f\x01\xee", 3);
	expect(b, sizeof(b), NULL, 0, "RDPKRU (0f 01 ee) is fine");
	memcpy(b + 20, "\x0f\x01\x0f\x01\xef", 5);
	expect(b, sizeof(b), WR, 22, "overlapping 0f 01 0f 01 ef");

	/* 0f ae /5: every mod 0..2 with every rm is XRSTOR; mod 3 LFENCE */
	for (mod = 0; mod < 4; mod++) {
		int bad = 0;

		for (rm = 0; rm < 8; rm++) {
			uint8_t modrm = (uint8_t)(mod << 6 | 5 << 3 | rm);
			size_t off = 99;
			const char *what = NULL;
			int rc;

			memset(b, 0x90, sizeof(b));
			b[30] = 0x0f, b[31] = 0xae, b[32] = modrm;
			rc = cordon_inspect_code(b, sizeof(b), &off, &what);
			if (mod < 3)
				bad |= !(rc == -1 && off == 30 && what && !strcmp(what, XR));
			else
				bad |= rc != 0;
		}
		snprintf(desc, sizeof(desc), mod < 3 ? "XRSTOR mod %u refused, every rm" :
			 "LFENCE (mod %u) accepted, every rm", mod);
		check(!bad, "%s", desc);
	}
	memset(b, 0x90, sizeof(b));
	memcpy(b + 5, "\x48\x0f\xae\x2e", 4); /* xrstor64 (%rsi) */
	expect(b, sizeof(b), XR, 6, "XRSTOR64 (REX.W)");
	memcpy(b + 5, "\x0f\xae\xe8\x0f\xae\x0e", 6); /* lfence; fxrstor (%rsi) */
	expect(b, sizeof(b), NULL, 0, "LFENCE and FXRSTOR are fine");
	memset(b, 0x90, sizeof(b));
	memcpy(b + 62, "\x0f\xae", 2);
	expect(b, sizeof(b), NULL, 0, "0f ae with no ModRM in the span");
	check(cordon_inspect_code(b, 0, NULL, NULL) == 0, "NULL offset and what");
	memcpy(b, "\x0f\x01\xef", 3);
	check(cordon_inspect_code(b, 3, NULL, NULL) == -1, "refusal with NULL outputs");
}

/* The mpk variant: WRGSBASE too, in the same pass; the plain one keeps it */
static void crafted_mpk(void)
{
	static const char GS[] = "WRGSBASE (0f ae /3)";
	uint8_t b[32];
	unsigned modrm;
	int bad = 0, rc;
	size_t off = 0;
	const char *what = NULL;

	memset(b, 0x90, sizeof(b));
	memcpy(b + 7, "\xf3\x48\x0f\xae\xd8", 5); /* wrgsbase %rax */
	rc = cordon_inspect_code_mpk(b, sizeof(b), &off, &what);
	check(rc == -1 && off == 9 && what && !strcmp(what, GS),
	      "mpk: WRGSBASE refused at its 0f (%zu, %s)", off, what ? what : "nothing");
	expect(b, sizeof(b), NULL, 0, "WRGSBASE: the plain scan keeps it");
	for (modrm = 0; modrm < 256; modrm++) {
		int want = (modrm & 0xf8) == 0xd8 ? 1 : (modrm & 0x38) == 0x28 && modrm < 0xc0;

		memset(b, 0x90, sizeof(b));
		b[3] = 0x0f, b[4] = 0xae, b[5] = (uint8_t)modrm;
		bad |= (cordon_inspect_code_mpk(b, sizeof(b), NULL, NULL) == -1) != want;
	}
	check(!bad, "mpk: of 0f ae with every ModRM, only /3 register form and /5 memory form refused");
	memset(b, 0x90, sizeof(b));
	memcpy(b + 20, "\x0f\x01\xef", 3);
	check(cordon_inspect_code_mpk(b, sizeof(b), &off, &what) == -1 && off == 20 &&
	      !strcmp(what, WR), "mpk: WRPKRU still refused");
	memcpy(b + 20, "\x0f\xae\x18", 3); /* stmxcsr (%rax) */
	check(cordon_inspect_code_mpk(b, sizeof(b), NULL, NULL) == 0, "mpk: STMXCSR (memory /3) is fine");
}

/* The rules of inspect.h one offset at a time, for the random test */
static long reference(const uint8_t *b, size_t len, int mpk)
{
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		unsigned reg = (b[i + 2] >> 3) & 7, mod = b[i + 2] >> 6;

		if (b[i] != 0x0f)
			continue;
		if ((b[i + 1] == 0x01 && b[i + 2] == 0xef) ||
		    (b[i + 1] == 0xae && ((reg == 5 && mod != 3) || (mpk && reg == 3 && mod == 3))))
			return (long)i;
	}
	return -1;
}

/* Random code, rich in the bytes that matter, every length to 160 and
 * every start alignment: the scan (16 offsets at a time, then one at a
 * time) finds what the reference finds, at the same offset. */
static void random_code(void)
{
	static const uint8_t pick[] = { 0x0f, 0x0f, 0x01, 0xae, 0xef, 0xd8, 0x28, 0xe8, 0x90 };
	uint8_t buf[176];
	unsigned seed = 12345, round, bad = 0, found = 0;

	for (round = 0; round < 20000; round++) {
		size_t len = round % 161, start = (round / 161) % 16, j, off = 0;
		int mpk = (int)(round & 1);
		long want;
		int rc;

		for (j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			buf[start + j] = (seed >> 16) % 4 ? pick[(seed >> 8) % sizeof(pick)]
							  : (uint8_t)(seed >> 3);
		}
		want = reference(buf + start, len, mpk);
		rc = (mpk ? cordon_inspect_code_mpk : cordon_inspect_code)(buf + start, len, &off, NULL);
		bad += want < 0 ? rc != 0 : rc != -1 || off != (size_t)want;
		found += want >= 0;
	}
	check(!bad && found > 1000, "20000 random spans: the scan agrees with the reference "
	      "(%u disagree, %u had a refused sequence)", bad, found);
}

/* A pattern at the very end of a page followed by an inaccessible page:
 * a read past the end would crash the test. */
static void page_end(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *end;

	if (!check(p != MAP_FAILED && !mprotect(p + pg, pg, PROT_NONE),
		   "guard page"))
		return;
	end = p + pg;
	memset(p, 0x90, pg);
	end[-2] = 0x0f, end[-1] = 0x01;
	expect(end - 2, 2, NULL, 0, "0f 01 then the guard page");
	expect(p, pg, NULL, 0, "0f 01 at the page end");
	end[-1] = 0xae;
	expect(p, pg, NULL, 0, "0f ae at the page end");
	end[-3] = 0x0f, end[-2] = 0x01, end[-1] = 0xef;
	expect(p, pg, WR, pg - 3, "WRPKRU ending at the guard page");
	munmap(p, 2 * pg);
}

/* Offset of the first WRPKRU in the file's executable PT_LOAD, as an
 * image (vaddr) offset; or -1. */
static long wrpkru_vaddr(const unsigned char *b, size_t len, size_t *file_off)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	size_t i, j;

	memcpy(&eh, b, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, b + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X) ||
		    ph.p_offset + ph.p_filesz > len)
			continue;
		for (j = 0; j + 3 <= ph.p_filesz; j++)
			if (!memcmp(b + ph.p_offset + j, "\x0f\x01\xef", 3)) {
				*file_off = ph.p_offset + j;
				return (long)(ph.p_vaddr + j);
			}
	}
	return -1;
}

static void image(void)
{
	struct cordon_image *img = NULL;
	char err[256] = "", want[128];
	const char *good[] = { "basic.so", "stress.so", "hostile.so" };
	unsigned char *b;
	size_t len, foff = 0;
	long at;
	unsigned i;
	int rc;

	b = read_image("wrpkru.so", &len);
	if (!check(b != NULL, "cordon-cc built wrpkru.so"))
		return;
	at = wrpkru_vaddr(b, len, &foff);
	check(at > 0 && at % 4 != 0, "WRPKRU at unaligned image offset 0x%lx", at);
	snprintf(want, sizeof(want),
		 "executable byte at image offset 0x%lx is WRPKRU (0f 01 ef)", at);
	rc = cordon_image_load(b, len, &img, err, sizeof(err));
	check(rc == -ENOEXEC && !img && !strcmp(err, want), "refused: \"%s\" (rc %d)",
	      err, rc);
	if (!rc)
		cordon_image_unload(img);
	if (at > 0) {
		/* the same place as xrstor (%rsi): refused by its name */
		memcpy(b + foff, "\x0f\xae\x2e", 3);
		snprintf(want, sizeof(want),
			 "executable byte at image offset 0x%lx is XRSTOR (0f ae /5)", at);
		rc = cordon_image_load(b, len, &img, err, sizeof(err));
		check(rc == -ENOEXEC && !strcmp(err, want), "XRSTOR refused: \"%s\"", err);
		if (!rc)
			cordon_image_unload(img);
		/* ... and as lfence it loads */
		memcpy(b + foff, "\x0f\xae\xe8", 3);
		rc = cordon_image_load(b, len, &img, err, sizeof(err));
		check(rc == 0 && img && cordon_image_symbol(img, "add"),
		      "LFENCE there loads (rc %d, %s)", rc, err);
		if (!rc)
			cordon_image_unload(img);
	}
	free(b);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		b = read_image(good[i], &len);
		img = NULL;
		err[0] = 0;
		rc = b ? cordon_image_load(b, len, &img, err, sizeof(err)) : -1;
		check(rc == 0 && img, "%s passes inspection (rc %d, %s)", good[i], rc, err);
		if (!rc)
			cordon_image_unload(img);
		free(b);
	}
}

void test_inspect(void)
{
	suite("inspect: crafted bytes");
	crafted();
	crafted_mpk();
	random_code();
	page_end();
	suite("inspect: loader");
	image();
}
