/*
 * The byte scan of include/cordon/inspect.h. Only user-mode instructions
 * that write PKRU matter:
 *  - WRPKRU      0f 01 ef
 *  - XRSTOR      0f ae /5 with mod != 3 (and its REX.W form XRSTOR64, which
 *                holds the same bytes). With mod == 3, /5 is LFENCE, which
 *                compilers emit and which touches no state: accepted.
 * Not refused: XRSTORS (0f c7 /3) also restores PKRU but is privileged; in
 * user mode it raises #GP (SIGSEGV) before doing anything. FXRSTOR (0f ae
 * /1) never touches PKRU.
 * For the mpk backend also WRGSBASE, 0f ae /3 with mod == 3 (its prefix f3
 * does not matter: without it the bytes are no other instruction that
 * compilers emit; with mod != 3, /3 is STMXCSR, accepted).
 */
#include <emmintrin.h>

#include "cordon/inspect.h"

static const char WRPKRU[] = "WRPKRU (0f 01 ef)";
static const char XRSTOR[] = "XRSTOR (0f ae /5)";
static const char WRGSBASE[] = "WRGSBASE (0f ae /3)";

/* The name of the refused sequence starting at code[i], or NULL.
 * i + 1 < len on entry; every further byte is bounds-checked here. */
static const char *refused_at(const uint8_t *code, size_t len, size_t i, int mpk)
{
	uint8_t modrm;

	if (code[i] != 0x0f)
		return NULL;
	/* a sequence cut off by the end of the span cannot execute: the
	 * next byte would be fetched from a page that is not executable */
	if (len - i < 3)
		return NULL;
	if (code[i + 1] == 0x01 && code[i + 2] == 0xef)
		return WRPKRU;
	if (code[i + 1] == 0xae) {
		modrm = code[i + 2];
		if (((modrm >> 3) & 7) == 5 && (modrm >> 6) != 3)
			return XRSTOR;
		if (mpk && ((modrm >> 3) & 7) == 3 && (modrm >> 6) == 3)
			return WRGSBASE;
	}
	return NULL;
}

static int refuse(size_t i, const char *name, size_t *offset, const char **what)
{
	if (offset)
		*offset = i;
	if (what)
		*what = name;
	return -1;
}

static int inspect(const uint8_t *code, size_t len, size_t *offset, const char **what,
		   int mpk)
{
	const __m128i op = _mm_set1_epi8(0x0f), b01 = _mm_set1_epi8(0x01),
		      bae = _mm_set1_epi8((char)0xae);
	const char *name;
	size_t i = 0;

	if (!code)
		len = 0;
	/*
	 * Every refused sequence starts 0f 01 or 0f ae, and few bytes do:
	 * 16 offsets at a time, the bytes at i and at i + 1 compared at once
	 * (a 0f alone is common in x86 code: stopping at each one cost more
	 * than the whole scan). This runs at every cold domain create. The
	 * loads stay inside [0, len): the second one ends at i + 17.
	 */
	for (; i + 17 <= len; i += 16) {
		__m128i at = _mm_loadu_si128((const __m128i *)(code + i));
		__m128i next = _mm_loadu_si128((const __m128i *)(code + i + 1));
		__m128i hit = _mm_and_si128(_mm_cmpeq_epi8(at, op),
					    _mm_or_si128(_mm_cmpeq_epi8(next, b01),
							 _mm_cmpeq_epi8(next, bae)));
		unsigned m = (unsigned)_mm_movemask_epi8(hit);

		for (; m; m &= m - 1) {
			size_t j = i + (size_t)__builtin_ctz(m);

			name = refused_at(code, len, j, mpk);
			if (name)
				return refuse(j, name, offset, what);
		}
	}
	for (; i + 1 < len; i++) { /* the last bytes, one at a time */
		name = refused_at(code, len, i, mpk);
		if (name)
			return refuse(i, name, offset, what);
	}
	return 0;
}

int cordon_inspect_code(const uint8_t *code, size_t len, size_t *offset,
			const char **what)
{
	return inspect(code, len, offset, what, 0);
}

int cordon_inspect_code_mpk(const uint8_t *code, size_t len, size_t *offset,
			    const char **what)
{
	return inspect(code, len, offset, what, 1);
}
