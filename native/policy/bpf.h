/*
 * The classic-BPF emitter both seccomp filters are written with
 * (policy/process_filter.c for cordon-host, gate/kctx_filter.c for a kernel
 * context). Built twice: musl (cordon-host) and glibc (libcordon.so), so it
 * spells out the uapi constants instead of including kernel headers.
 *
 * Jumps are set with bpf_jump_*(), never by hand: jt/jf are 8 bits, and a
 * target out of their reach (or behind the jump) makes the whole program
 * fail (bpf_end gives -ERANGE) instead of jumping somewhere else.
 */
#ifndef CORDON_POLICY_BPF_H
#define CORDON_POLICY_BPF_H

#include <stddef.h>
#include <stdint.h>

/* struct sock_filter's layout */
struct bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

#define BPF_LD_W_ABS 0x20 /* BPF_LD | BPF_W | BPF_ABS */
#define BPF_JA_K     0x05 /* BPF_JMP | BPF_JA */
#define BPF_JEQ_K    0x15 /* BPF_JMP | BPF_JEQ | BPF_K */
#define BPF_JGE_K    0x35
#define BPF_JSET_K   0x45
#define BPF_RET_K    0x06
#define BPF_MAX_LEN  4096 /* BPF_MAXINSNS */
#define BPF_JUMP_MAX 255  /* jt, jf */

#define SC_KILL_PROCESS 0x80000000u
#define SC_TRAP         0x00030000u
#define SC_ERRNO        0x00050000u
#define SC_ALLOW        0x7fff0000u
#define SC_ARCH_X86_64  0xc000003eu
#define SC_X32_BIT      0x40000000u

/* struct seccomp_data: nr, arch, instruction_pointer, args[6] */
#define SECCOMP_DATA_NR     0
#define SECCOMP_DATA_ARCH   4
#define SECCOMP_DATA_ARG(i) (16 + 8 * (i)) /* low 32 bits, little-endian */

struct bpf {
	struct bpf_insn *insn;
	size_t n, max;
	int err; /* the first error: -E2BIG (too long), -ERANGE (a jump) */
};

void bpf_init(struct bpf *b, struct bpf_insn *insn, size_t max);
/* Append one instruction (jumps 0); its index. Past max: counted, not
 * written, and bpf_end fails. */
size_t bpf_put(struct bpf *b, uint16_t code, uint32_t k);
/* Point the jump at `at` (jt, jf, or ja's k) at instruction `target`. */
void bpf_jump_true(struct bpf *b, size_t at, size_t target);
void bpf_jump_false(struct bpf *b, size_t at, size_t target);
void bpf_jump_always(struct bpf *b, size_t at, size_t target);
/* The program's length, or its first error. */
int bpf_end(const struct bpf *b);

/* Blocks; each ends in returns, so A is theirs to load. */
size_t bpf_ret(struct bpf *b, uint32_t verdict);
/* allow iff args[arg] has none of `bits` (else EPERM) */
void bpf_allow_without_bits(struct bpf *b, int arg, uint32_t bits);
/* allow iff args[arg] is one of v[0..k) (else EPERM) */
void bpf_allow_if_one_of(struct bpf *b, int arg, const uint32_t *v, size_t k);

#endif
