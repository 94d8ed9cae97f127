/*
 * errno of code inside a domain. musl keeps errno in its thread block, which
 * the domain does not own; the host hands over its own per-thread
 * errno_location instead. Before cordon_domain_init a static int serves.
 */
#include <stddef.h>

#include "runtime.h"

static int early_errno;
static int *(*host_errno_location)(void);

void runtime_set_errno_location(int *(*f)(void))
{
	host_errno_location = f;
}

int *__errno_location(void)
{
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
