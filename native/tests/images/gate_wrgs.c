/* WRGSBASE in its code, never called: the mpk backend must refuse it (a
 * domain could point %gs at a fake switch page). */
#include <stdint.h>

#include "cordon/domain.h"

CORDON_EXPORT int64_t add(int64_t a, int64_t b)
{
	return a + b;
}

CORDON_EXPORT void never_called(void)
{
	__asm__ volatile(".byte 0x90, 0xf3, 0x48, 0x0f, 0xae, 0xd8");
}
