/* Shared by the two halves of the multi-file cordon-cc test. */
#include <stdint.h>

int64_t part_b_value(void);
