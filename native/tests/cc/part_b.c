#include "part.h"

int64_t part_b_value(void)
{
	return 1000;
}
