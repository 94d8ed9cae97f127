/* A hand-made "confined" image whose __cordon_table lies in RELRO, which
 * is read-only before the table is filled: the fill must refuse it, not
 * fault on its own write. Linked without cordon-cc's checks. */
#include "cordon/domain.h"

static const char word[] = "x";

/* pointers in const data: .data.rel.ro, under PT_GNU_RELRO */
CORDON_EXPORT const char *const __cordon_table[1024] __attribute__((aligned(4096))) = { word };

CORDON_EXPORT void __cordon_bad_target(void)
{
	__builtin_trap();
}
