/*
 * musl's libc.auxv inside an image. musl's startup code, which would set
 * it, never runs in a domain (the image is a library with no entry point),
 * and musl reads it without a NULL check when it looks for the vDSO
 * (clock_gettime, gettimeofday, time): an empty auxiliary vector makes
 * those find no vDSO and make the system call, which the backend vets.
 * The vDSO itself would read kernel data pages no domain may touch.
 */
#include <stddef.h>

#include "runtime.h"

/* musl 1.2.x, src/internal/libc.h: struct __libc, auxv at offset 8 */
#define LIBC_AUXV_OFF 8

extern char __libc[] __attribute__((visibility("hidden")));

static size_t empty_auxv[2];

void runtime_fix_auxv(void)
{
	size_t **auxv = (size_t **)(void *)(__libc + LIBC_AUXV_OFF);

	if (!*auxv)
		*auxv = empty_auxv;
}
