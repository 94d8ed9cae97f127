/*
 * The two sanctioned ways out of straight-line code (CONFINEMENT.md):
 * CHECK, eight instructions ending in jmp *%r11, and EXIT, a jmp through
 * one of the table's exit slots. Matched on decoded instructions, exact
 * down to the REX byte: anything else is not a CHECK.
 */
#include "verify_int.h"

#define REX_W_R   0x4c /* REX.W, REX.R: a 64-bit op, reg is r8..r15 */
#define REX_W_R_B 0x4d /* and rm is r8..r15 */
#define REX_B     0x41

/* a plain instruction: no legacy prefix, this REX, this map and opcode */
static int is(const struct x86_insn *in, uint8_t rex, unsigned map, unsigned op)
{
	return in->enc == X86_ENC_LEGACY && !in->prefixes && in->rex == rex &&
	       in->map == map && in->op == op;
}

/* op %src, %dst between registers, in either direction's encoding
 * (op_rm_r: dst in rm; op_r_rm: dst in reg) */
static int is_reg_op(const struct x86_insn *in, unsigned op_rm_r, unsigned op_r_rm,
		     unsigned src, unsigned dst)
{
	if (in->mod != 3)
		return 0;
	if (is(in, REX_W_R_B, X86_MAP_ONE, op_rm_r))
		return x86_reg(in) == src && x86_rm(in) == dst;
	if (is(in, REX_W_R_B, X86_MAP_ONE, op_r_rm))
		return x86_reg(in) == dst && x86_rm(in) == src;
	return 0;
}

/* a 64-bit op with reg = r and a RIP-relative operand at addr */
static int is_rip_op(const struct cordon_verify_span *s, const struct placed *p, unsigned map,
		     unsigned op, unsigned r, uint64_t addr)
{
	return is(&p->in, REX_W_R, map, op) && p->in.rip_rel && x86_reg(&p->in) == r &&
	       verify_rip_target(s, p) == addr;
}

/* jae (jnc) rel8 or rel32 to BAD */
static int is_jae_bad(const struct cordon_verify_span *s, const struct placed *p)
{
	const struct x86_insn *in = &p->in;
	int jae8 = is(in, 0, X86_MAP_ONE, 0x73), jae32 = is(in, 0, X86_MAP_0F, 0x83);

	return (jae8 || jae32) && s->vaddr + (uint64_t)in->target == s->bad_target;
}

int verify_is_check_jump(const struct x86_insn *in)
{
	return is(in, REX_B, X86_MAP_ONE, 0xff) && in->modrm == 0xe3;
}

const char *verify_check_mismatch(const struct cordon_verify_span *s, const struct placed *last)
{
	enum { R10 = 10, R11 = 11 };

	if (!is_rip_op(s, &last[0], X86_MAP_ONE, 0x8d, R10, s->vaddr))
		return "no lea TEXT(%rip), %r10 seven instructions before";
	if (!is_reg_op(&last[1].in, 0x29, 0x2b, R10, R11))
		return "no sub %r10, %r11 after the lea";
	if (!is_rip_op(s, &last[2], X86_MAP_ONE, 0x3b, R11, s->table + CORDON_TABLE_SPAN))
		return "no cmp TABLE(%rip), %r11 (the span length) after the sub";
	if (!is_jae_bad(s, &last[3]))
		return "no jae BAD after the cmp";
	if (!is_rip_op(s, &last[4], X86_MAP_0F, 0xa3, R11, s->table + CORDON_TABLE_BITMAP))
		return "no bt %r11, TARGETS(%rip) after the jae";
	if (!is_jae_bad(s, &last[5]))
		return "no jae BAD after the bt";
	if (!is_reg_op(&last[6].in, 0x01, 0x03, R10, R11))
		return "no add %r10, %r11 after the second jae";
	return NULL;
}

int verify_exit_slot(const struct cordon_verify_span *s, const struct placed *p)
{
	uint64_t at, first = s->table + CORDON_TABLE_EXITS;

	if (!is(&p->in, 0, X86_MAP_ONE, 0xff) || p->in.modrm != 0x25)
		return -1;
	at = verify_rip_target(s, p);
	if (at < first || (at - first) % 8 || (at - first) / 8 >= CORDON_TABLE_NEXITS)
		return -1;
	return (int)((at - first) / 8);
}
