/*
 * objdump -d's view of a file's code, for the decoder's comparison
 * (test_x86_objdump.c): the output is read line by line and cut into runs
 * of contiguous instructions, each handed to a callback with its bytes
 * and objdump's boundaries.
 */
#ifndef CORDON_TESTS_OBJDUMP_RUNS_H
#define CORDON_TESTS_OBJDUMP_RUNS_H

#include <stddef.h>
#include <stdint.h>

struct od_insn {
	size_t off;       /* in the run */
	unsigned len;
	int bad;          /* objdump printed (bad) or .byte: it did not decode it */
	char text[80];    /* objdump's disassembly */
};

struct od_run {
	const char *object;   /* file, or archive member */
	const char *section;
	uint64_t addr;        /* of the run's first byte */
	const uint8_t *bytes;
	size_t len;
	const struct od_insn *insns;
	size_t n;
};

typedef void (*od_run_fn)(const struct od_run *run, void *ctx);

/* Runs objdump on path and calls fn for each run; -1 if objdump could not
 * be run or failed. */
int od_each_run(const char *path, od_run_fn fn, void *ctx);

#endif
