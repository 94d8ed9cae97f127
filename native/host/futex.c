/*
 * futex(2) wrappers. The slot and header words are shared with the JVM
 * through the memfd, so those use the shared (not PRIVATE) operations.
 */
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "host.h"

#define FUTEX_WAIT         0
#define FUTEX_WAKE         1
#define FUTEX_PRIVATE_FLAG 128

void futex_wait_shared(uint32_t *word, uint32_t expect, long timeout_ns)
{
	struct timespec ts = { timeout_ns / 1000000000L, timeout_ns % 1000000000L };

	/* EAGAIN (value changed) and EINTR both mean: look again */
	syscall(SYS_futex, word, FUTEX_WAIT, expect, timeout_ns > 0 ? &ts : NULL, NULL, 0);
}

void futex_wake_shared(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void futex_wait_private(int *word, int expect)
{
	syscall(SYS_futex, word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, expect, NULL, NULL, 0);
}

void futex_wake_private(int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
}
