/*
 * libFuzzer target of the code inspector (include/cordon/inspect.h,
 * mpk/inspect.c). Each input is a span of executable bytes. The fast scan
 * (16 offsets at a time) must agree with the slow one below, written from
 * the rule in inspect.h, on the whole span and on its first suffixes (so
 * every alignment of the vector loop is tried): the same verdict, the same
 * first offset, the same name. ASan checks it never reads outside the span
 * (libFuzzer's copy of the input is exactly `size` bytes of heap).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/inspect.h"

/* The refused sequence at code[i], byte by byte, or NULL: WRPKRU
 * (0f 01 ef); XRSTOR (0f ae, modrm reg 5, mod not 3); for mpk also
 * WRGSBASE (0f ae, modrm reg 3, mod 3). Only whole sequences count. */
static const char *slow_refused_at(const uint8_t *code, size_t len, size_t i, int mpk)
{
	unsigned mod, reg;

	if (i + 3 > len || code[i] != 0x0f)
		return NULL;
	if (code[i + 1] == 0x01 && code[i + 2] == 0xef)
		return "WRPKRU (0f 01 ef)";
	if (code[i + 1] != 0xae)
		return NULL;
	mod = code[i + 2] >> 6;
	reg = (code[i + 2] >> 3) & 7;
	if (reg == 5 && mod != 3)
		return "XRSTOR (0f ae /5)";
	if (mpk && reg == 3 && mod == 3)
		return "WRGSBASE (0f ae /3)";
	return NULL;
}

static void check_one(const uint8_t *code, size_t len, int mpk)
{
	const char *want = NULL, *what = NULL;
	size_t i, at = 0, off = (size_t)-1;
	int rc;

	for (i = 0; i < len && !want; i++) {
		want = slow_refused_at(code, len, i, mpk);
		at = i;
	}
	rc = (mpk ? cordon_inspect_code_mpk : cordon_inspect_code)(code, len, &off, &what);
	if (rc != 0 && rc != -1)
		goto disagree;
	if (!want && rc == 0)
		return;
	if (want && rc == -1 && off == at && what && !strcmp(what, want))
		return;
disagree:
	fprintf(stderr, "fuzz_inspect: %s scan of %zu bytes: reference says %s at %zu, "
		"inspector says rc %d, %s at %zu\n", mpk ? "mpk" : "plain", len,
		want ? want : "clean", at, rc, what ? what : "-", off);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t k;

	/* suffixes 0..16: every position of a sequence in the 16-byte
	 * steps; prefixes: sequences cut off by the end of the span */
	for (k = 0; k <= 16 && k <= size; k++) {
		check_one(data + k, size - k, 0);
		check_one(data + k, size - k, 1);
		check_one(data, size - k, 0);
		check_one(data, size - k, 1);
	}
	return 0;
}
