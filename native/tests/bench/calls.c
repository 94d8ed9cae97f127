/*
 * The call-heavy workload of make confine-bench: many small functions,
 * called directly and through a table of pointers, so that nearly every
 * instruction is near a call, an indirect call or a return. Built once
 * unconfined and once confined.
 */
#include <stdint.h>

#include "cordon/domain.h"

#define STEP(name, expr) \
	__attribute__((noinline)) static uint64_t name(uint64_t a, uint64_t b) { return expr; }

STEP(f0, a + b)
STEP(f1, a ^ (b << 1))
STEP(f2, a * 3 + b)
STEP(f3, (a >> 1) | (b << 7))
STEP(f4, a - b * 5)
STEP(f5, a + (b ^ 0x55))
STEP(f6, (a << 3) ^ b)
STEP(f7, a * 7 - b)
STEP(f8, a + b + 1)
STEP(f9, (a ^ b) * 9)
STEP(f10, a + (b >> 2))
STEP(f11, a ^ (b * 11))
STEP(f12, (a + b) << 1)
STEP(f13, a - (b ^ 13))
STEP(f14, a * 5 ^ b)
STEP(f15, a + b * 15)

typedef uint64_t (*step_fn)(uint64_t, uint64_t);

static step_fn const table[16] = {
	f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15,
};

/* n indirect calls, each picked by the running value */
CORDON_EXPORT int64_t indirect_calls(int64_t n)
{
	uint64_t acc = 1;
	int64_t i;

	for (i = 0; i < n; i++)
		acc = table[(acc ^ (uint64_t)i) & 15](acc, (uint64_t)i);
	return (int64_t)acc;
}

/* n direct calls of small functions that are not inlined */
CORDON_EXPORT int64_t direct_calls(int64_t n)
{
	uint64_t acc = 1;
	int64_t i;

	for (i = 0; i < n; i += 4)
		acc = f3(f2(f1(f0(acc, (uint64_t)i), 1), 2), 3);
	return (int64_t)acc;
}
