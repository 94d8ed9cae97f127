/* Hostile bytes never crash the loader: every bit of the ELF and program
 * headers flipped in turn, then random damage anywhere in the file. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

#define FUZZ_ROUNDS 20000

/* Load, and if it worked poke at the symbol lookup; 1 if the error text
 * was proper (non-empty, one line) or the load succeeded. */
static int try_load(const unsigned char *b, size_t len, int *loaded)
{
	struct cordon_image *img = NULL;
	char err[256] = "";
	int rc = cordon_image_load(b, len, &img, err, sizeof(err));

	if (rc == 0) {
		(*loaded)++;
		cordon_image_symbol(img, "add");
		cordon_image_symbol(img, "cordon_domain_init");
		cordon_image_symbol(img, "nothing_here");
		cordon_image_unload(img);
		return 1;
	}
	return rc < 0 && err[0] && !strchr(err, '\n') && img == NULL;
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Resident bytes of this process (/proc/self/statm), or -1. */
static long resident_bytes(void)
{
	long size, resident = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &resident) != 2)
			resident = -1;
		fclose(f);
	}
	return resident < 0 ? -1 : resident * 4096;
}

/* A few bytes of header may declare a huge .bss: it costs address space,
 * not memory, until touched (the loader once pre-filled the whole span). */
static void huge_bss_costs_no_memory(const unsigned char *bytes, size_t len)
{
	const uint64_t extra = 512ull << 20;
	unsigned char *copy = malloc(len);
	struct cordon_image *img = NULL;
	char err[256] = "";
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	long before, after = -1;
	int i, last = -1, rc;

	memcpy(copy, bytes, len);
	memcpy(&eh, copy, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, copy + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD)
			last = i;
	}
	if (!check(last >= 0, "basic.so has a PT_LOAD"))
		goto out;
	memcpy(&ph, copy + eh.e_phoff + (size_t)last * sizeof(ph), sizeof(ph));
	ph.p_memsz += extra;
	memcpy(copy + eh.e_phoff + (size_t)last * sizeof(ph), &ph, sizeof(ph));

	before = resident_bytes();
	rc = cordon_image_load(copy, len, &img, err, sizeof(err));
	if (rc == 0)
		after = resident_bytes();
	check(rc == 0, "an image whose last segment declares 512 MiB more .bss loads (%d, %s)", rc, err);
	check(rc != 0 || (before >= 0 && after - before < (64l << 20)),
	      "its .bss costs no memory until touched: resident grew by %ld KiB",
	      (after - before) / 1024);
	if (rc == 0)
		cordon_image_unload(img);
out:
	free(copy);
}

void test_loader_malformed(void)
{
	size_t len, headers, bit, i;
	unsigned char *bytes = read_image("basic.so", &len), *copy;
	int loaded = 0, bad = 0, round, k;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	Elf64_Ehdr eh;

	suite("loader: malformed images");
	if (!check(bytes != NULL, "read basic.so"))
		return;
	memcpy(&eh, bytes, sizeof(eh));
	headers = eh.e_phoff + (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
	copy = malloc(len);

	for (bit = 0; bit < headers * 8; bit++) {
		memcpy(copy, bytes, len);
		copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		if (!try_load(copy, len, &loaded))
			bad++;
	}
	check(bad == 0, "%zu header bit flips: %d loaded anyway, %d bad results",
	      headers * 8, loaded, bad);

	loaded = bad = 0;
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		memcpy(copy, bytes, len);
		for (k = 1 + (int)(next_random(&seed) % 8); k > 0; k--) {
			i = (size_t)(next_random(&seed) % len);
			/* half the damage lands in the headers, where it matters */
			if (next_random(&seed) & 1)
				i %= headers;
			copy[i] = (unsigned char)next_random(&seed);
		}
		if (!try_load(copy, len, &loaded))
			bad++;
	}
	check(bad == 0, "%d random mutations: %d loaded anyway, %d bad results",
	      FUZZ_ROUNDS, loaded, bad);

	/* not ELF at all */
	memset(copy, 0x41, len);
	check(try_load(copy, len, &loaded), "a file of 'A's is refused");
	huge_bss_costs_no_memory(bytes, len);
	free(copy);
	free(bytes);
}
