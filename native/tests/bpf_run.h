/* A small classic-BPF interpreter for seccomp programs (tests only). */
#ifndef CORDON_TEST_BPF_RUN_H
#define CORDON_TEST_BPF_RUN_H

#include <stdint.h>

#include "policy/bpf.h"

#define BPF_RUN_BAD 0xdeadu /* the program did something a filter must not */

struct bpf_data {
	uint32_t nr, arch;
	uint64_t args[6];
};

struct bpf_steps {
	int steps;     /* instructions executed */
	int arg_loads; /* loads of an argument (the kernel cannot cache those) */
};

/* The verdict of prog[0..len) on d (BPF_RUN_BAD: ran off, looped, or an
 * instruction no filter of ours uses); st may be NULL. */
uint32_t bpf_run(const struct bpf_insn *prog, int len, const struct bpf_data *d,
		 struct bpf_steps *st);

#endif
