/* Exports that try to leave a confined image (CONFINEMENT.md); built with
 * cordon-cc --confined, every one must end on __cordon_bad_target. */
#include <stdint.h>

#include "cordon/domain.h"

typedef int64_t (*fn0)(void);

static int64_t seven(void)
{
	return 7;
}

/* a plain indirect call inside the image: allowed */
CORDON_EXPORT int64_t call_seven(void)
{
	fn0 volatile f = seven;

	return f();
}

/* an indirect call to any address, standing for a leaked one */
CORDON_EXPORT int64_t call_address(int64_t addr)
{
	fn0 volatile f = (fn0)(uintptr_t)addr;

	return f();
}

/* one byte into seven(): inside an instruction, never a permitted target */
CORDON_EXPORT int64_t call_inside_seven(void)
{
	fn0 volatile f = (fn0)(uintptr_t)((uintptr_t)seven + 1);

	return f();
}

/* a return to a forged address: the return thunk checks it */
CORDON_EXPORT int64_t return_to(int64_t addr)
{
	void *volatile *slot = __builtin_frame_address(0);

	slot[1] = (void *)(uintptr_t)addr; /* the return address */
	return 0;
}

/* a write to any byte, standing for one to the table the checks read
 * (its pages are read-only to the domain) */
CORDON_EXPORT int64_t write_byte(int64_t addr, int64_t v)
{
	*(volatile unsigned char *)(uintptr_t)addr = (unsigned char)v;
	return 0;
}
