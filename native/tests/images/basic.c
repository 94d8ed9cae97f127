/* The plain image: arithmetic, data with relocations, an exported object. */
#include <stdint.h>
#include <string.h>

#include "cordon/domain.h"

static const char *const words[] = { "zero", "one", "two", "three" };
static int calls;

CORDON_EXPORT int64_t exported_counter = 40;

/* pointers in const data: .data.rel.ro, read-only after relocation */
CORDON_EXPORT const char *const relro_table[] = { "a", "b" };

CORDON_EXPORT int64_t add(int64_t a, int64_t b)
{
	calls++;
	return a + b;
}

/* strlen through a table of pointers: needs R_X86_64_RELATIVE */
CORDON_EXPORT int64_t word_length(int64_t i)
{
	if (i < 0 || i > 3)
		return -1;
	return (int64_t)strlen(words[i]);
}

CORDON_EXPORT int64_t bump_counter(void)
{
	return ++exported_counter;
}

/* not exported: must not be found */
__attribute__((visibility("hidden"))) int64_t hidden_fn(void)
{
	return calls;
}
