/* Test-only stand-in for the verifier: permitted targets from objdump. */
#ifndef CORDON_TEST_TARGETS_H
#define CORDON_TEST_TARGETS_H

#include <stddef.h>

/*
 * A cordon_targets_fn (image.h) for the confined image in file `ctx` (its
 * path): every instruction start that objdump -d shows in the executable
 * segment, except the seven inner instructions of each CHECK
 * (CONFINEMENT.md). Nonzero if objdump could not be run or read.
 */
int objdump_targets(void *ctx, const unsigned char *code, size_t span,
		    unsigned char *bitmap);

#endif
