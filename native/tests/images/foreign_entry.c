/* The i386 entry from a domain (tests/test_host.c): never built confined,
 * since the verifier refuses int $0x80 outright. */
#include <stdint.h>
#include <unistd.h>

#include "cordon/domain.h"

/* kill(getppid(), SIGTERM) through the i386 entry: a foreign architecture */
CORDON_EXPORT int64_t try_int80_kill_parent(void)
{
	int64_t ret = 37; /* kill in the i386 table */

	__asm__ volatile("int $0x80" : "+a"(ret) : "b"((int64_t)getppid()), "c"(15) : "memory");
	return ret;
}
