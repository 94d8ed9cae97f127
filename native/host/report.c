/*
 * Startup failures: one line into header.error, host_state = FAILED, wake
 * the JVM, exit 1. Used until the host reports READY.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

_Noreturn void host_fail(struct host *h, const char *fmt, ...)
{
	char line[CORDON_ERROR_LEN];
	va_list ap;
	size_t i;

	if (!h->hdr)
		_exit(1);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one line: whatever an errno string or a name brought in */
	for (i = 0; line[i]; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	memcpy(h->hdr->error, line, sizeof(line));
	__atomic_store_n(&h->hdr->host_state, CORDON_HOST_FAILED, __ATOMIC_SEQ_CST);
	futex_wake_shared(&h->hdr->host_state);
	_exit(1);
}
