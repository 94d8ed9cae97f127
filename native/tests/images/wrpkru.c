/* A WRPKRU in its code at an unaligned offset, in a function never
 * called: cordon-cc builds it (it checks only relocations and headers),
 * the loader must refuse it. */
#include <stdint.h>

#include "cordon/domain.h"

CORDON_EXPORT int64_t add(int64_t a, int64_t b)
{
	return a + b;
}

CORDON_EXPORT void never_called(void)
{
	/* nop, then WRPKRU: starts one byte past wherever the asm lands */
	__asm__ volatile(".byte 0x90, 0x0f, 0x01, 0xef");
}
