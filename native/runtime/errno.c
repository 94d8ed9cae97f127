/*
 * errno of code inside a domain. musl keeps errno in its thread block, which
 * the domain does not own in the process and inprocess backends: the host
 * hands over its own per-thread errno_location instead. The mpk backend
 * gives each lane a thread block in domain memory and passes
 * CORDON_ERRNO_TCB: errno is then musl's own, at %fs:0 + 0x34. Before
 * cordon_domain_init a static int serves.
 */
#include <stddef.h>

#include "cordon/domain.h"
#include "runtime.h"

#define TCB_ERRNO 0x34 /* musl 1.2.x, x86-64: struct pthread's errno_val */

static int early_errno;
static int *(*host_errno_location)(void);
static int errno_in_tcb;

void runtime_set_errno_location(int *(*f)(void))
{
	if (f == CORDON_ERRNO_TCB)
		errno_in_tcb = 1;
	else
		host_errno_location = f;
}

int *__errno_location(void)
{
	char *tp;

	if (errno_in_tcb) {
		__asm__("mov %%fs:0, %0" : "=r"(tp));
		return (int *)(tp + TCB_ERRNO);
	}
	if (host_errno_location)
		return host_errno_location();
	return &early_errno;
}

/* musl's own code calls this internal (hidden) name; defining it here keeps
 * musl's __errno_location object, which reads the thread block, out. */
int *___errno_location(void)
{
	return __errno_location();
}
