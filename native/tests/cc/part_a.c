#include "cordon/domain.h"
#include "part.h"

CORDON_EXPORT int64_t multi(void)
{
	return part_b_value() + MAGIC;
}
