/* A symbol defined nowhere in the image: refused, never resolved outside. */
#include <stdint.h>

#include "cordon/domain.h"

extern int64_t missing_fn(int64_t);

CORDON_EXPORT int64_t call_missing(int64_t a)
{
	return missing_fn(a);
}
