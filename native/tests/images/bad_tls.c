/* Thread-local storage: cordon-cc and the loader must both refuse it. */
#include <stdint.h>

#include "cordon/domain.h"

__thread int64_t tv;

CORDON_EXPORT int64_t get_tv(void)
{
	return ++tv;
}
