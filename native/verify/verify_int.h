/* The verifier's parts (verify.c, refuse.c, pattern.c). Internal. */
#ifndef CORDON_VERIFY_INT_H
#define CORDON_VERIFY_INT_H

#include "cordon/verify.h"
#include "x86.h"

#define CHECK_INSNS 8 /* the instructions of a CHECK */

/* one decoded instruction and where it starts */
struct placed {
	size_t off;
	struct x86_insn in;
};

/* refuse.c: the name of an instruction refused anywhere, or NULL */
const char *verify_refused(const struct x86_insn *in);

/* pattern.c */
/* jmp *%r11, exactly (41 ff e3) */
int verify_is_check_jump(const struct x86_insn *in);
/* whether last[0..7] (in order, last[7] the jmp *%r11) form a CHECK for
 * this span; NULL if so, else what does not match */
const char *verify_check_mismatch(const struct cordon_verify_span *s, const struct placed *last);
/* an EXIT, jmp *TABLE+8+8k(%rip) (ff 25 rel32) with k < 8: k, else -1 */
int verify_exit_slot(const struct cordon_verify_span *s, const struct placed *p);

/* the address a RIP-relative operand names */
static inline uint64_t verify_rip_target(const struct cordon_verify_span *s, const struct placed *p)
{
	return s->vaddr + p->off + p->in.len + (uint64_t)p->in.disp;
}

#endif
