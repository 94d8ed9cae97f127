/*
 * x86_decode: prefixes, then the opcode in its map (legacy escapes, VEX,
 * EVEX), then ModRM, SIB, displacement and immediate, as the table entry
 * says. Every byte is read through take(), which enforces both the end of
 * the bytes and the 15-byte limit.
 */
#include <string.h>

#include "x86.h"
#include "x86_tables.h"

#define MAX_PREFIXES 13 /* legacy and REX together */

struct cursor {
	const uint8_t *code;
	size_t len, start, pos;
};

static int take(struct cursor *c, uint8_t *b)
{
	if (c->pos - c->start >= X86_MAX_LEN)
		return X86_E_TOO_LONG;
	if (c->pos >= c->len)
		return X86_E_TRUNCATED;
	*b = c->code[c->pos++];
	return 0;
}

/* n little-endian bytes, sign-extended when sign */
static int take_n(struct cursor *c, unsigned n, int sign, uint64_t *v)
{
	uint8_t b = 0;
	unsigned i;
	int rc;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((rc = take(c, &b)))
			return rc;
		*v |= (uint64_t)b << (8 * i);
	}
	if (sign && n < 8 && (b & 0x80))
		*v |= ~(uint64_t)0 << (8 * n);
	return 0;
}

static int is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return 1;
	}
	return 0;
}

/* fwait (9b) right before an x87 escape (d8..df) is read as part of that
 * instruction, as objdump does (fstcw = fwait; fnstcw). The processor sees
 * two instructions that end where this one does, so every boundary taken
 * here is one of its boundaries. fwait before a prefix or another fwait,
 * where objdump's reading is its own, is refused. 1: a prefix here, 0: an
 * instruction, or an error. */
static int fwait_is_prefix(const struct cursor *c)
{
	uint8_t b;

	if (c->pos >= c->len) /* objdump reads prefixes, fwait, end as prefixes alone */
		return c->pos - 1 > c->start ? X86_E_TRUNCATED : 0;
	b = c->code[c->pos];
	if (b >= 0xd8 && b <= 0xdf)
		return 1;
	if (b == 0x9b || is_legacy_prefix(b) || (b >= 0x40 && b <= 0x4f))
		return X86_E_PREFIX;
	return 0;
}

/* legacy prefixes in any order and number, then at most one REX right
 * before the opcode; *b ends as the first byte after them */
static int read_prefixes(struct cursor *c, struct x86_insn *in, uint8_t *b, uint8_t *last_rep)
{
	int rc;

	for (;;) {
		/* objdump splits off the 14th prefix on; the processor allows up to
		 * 14 before a one-byte opcode: refused, no compiler goes near it */
		if (c->pos - c->start > MAX_PREFIXES)
			return X86_E_PREFIX;
		if ((rc = take(c, b)))
			return rc;
		if (*b >= 0x40 && *b <= 0x4f) {
			in->rex = *b;
			if (c->pos - c->start > MAX_PREFIXES)
				return X86_E_PREFIX;
			if ((rc = take(c, b)))
				return rc;
			if (is_legacy_prefix(*b) || (*b >= 0x40 && *b <= 0x4f) || *b == 0x9b)
				return X86_E_REX_NOT_LAST; /* 9b: fwait is an instruction of its own */
			return 0;
		}
		if (*b == 0x9b && (rc = fwait_is_prefix(c)) != 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (!is_legacy_prefix(*b))
			return 0;
		switch (*b) {
		case 0x66: in->prefixes |= X86_P_66; break;
		case 0x67: in->prefixes |= X86_P_67; break;
		case 0xf0: in->prefixes |= X86_P_LOCK; break;
		case 0xf2: in->prefixes |= X86_P_F2; *last_rep = *b; break;
		case 0xf3: in->prefixes |= X86_P_F3; *last_rep = *b; break;
		default: in->prefixes |= X86_P_SEG; in->seg = *b; break;
		}
	}
}

/* ModRM, SIB and displacement; mod_ignored: mov cr/dr, always a register */
static int read_modrm(struct cursor *c, struct x86_insn *in, int mod_ignored)
{
	uint64_t d;
	int rc;

	if ((rc = take(c, &in->modrm)))
		return rc;
	in->has_modrm = 1;
	in->mod = in->modrm >> 6;
	in->reg = (in->modrm >> 3) & 7;
	in->rm = in->modrm & 7;
	if (mod_ignored)
		in->mod = 3;
	if (in->mod == 3)
		return 0;
	if (in->rm == 4) {
		if ((rc = take(c, &in->sib)))
			return rc;
		in->has_sib = 1;
	}
	if (in->mod == 1)
		in->disp_size = 1;
	else if (in->mod == 2)
		in->disp_size = 4;
	else if (in->rm == 5)
		in->disp_size = 4, in->rip_rel = 1;
	else if (in->has_sib && (in->sib & 7) == 5)
		in->disp_size = 4;
	if (in->disp_size) {
		if ((rc = take_n(c, in->disp_size, 1, &d)))
			return rc;
		in->disp = (int64_t)d;
	}
	return 0;
}

static int read_imm(struct cursor *c, struct x86_insn *in, unsigned n)
{
	uint64_t v;
	int rc;

	if ((rc = take_n(c, n, 1, &v)))
		return rc;
	if (!in->imm_size) /* enter's second immediate is only counted */
		in->imm = v;
	in->imm_size += n;
	return 0;
}

/* operand size 16/32/64 as the immediate sees it: REX.W wins over 66 */
static unsigned imm_z(const struct x86_insn *in)
{
	return (!(in->rex & X86_REX_W) && (in->prefixes & X86_P_66)) ? 2 : 4;
}

/* the mandatory prefix of an SSE-style opcode (PN/PO/PS/PD) */
static int mandatory_prefix(const struct x86_insn *in, uint8_t last_rep)
{
	if ((in->prefixes & X86_P_F2) && (in->prefixes & X86_P_F3))
		return -1;
	if (last_rep == 0xf3)
		return PS;
	if (last_rep == 0xf2)
		return PD;
	return (in->prefixes & X86_P_66) ? PO : PN;
}

static void set_direct(struct x86_insn *in, size_t end, int call, int cond)
{
	in->branch = X86_BR_DIRECT;
	in->is_call = call;
	in->is_cond = cond;
	in->target = (int64_t)end + (int64_t)in->imm;
}

/* branch kind of a decoded legacy instruction (not VEX/EVEX) */
static int classify_branch(struct x86_insn *in, size_t end)
{
	unsigned op = in->op;

	if (in->map == X86_MAP_0F) {
		if (op >= 0x80 && op <= 0x8f)
			set_direct(in, end, 0, 1);
		else if (op == 0x05 || op == 0x07 || op == 0x34 || op == 0x35)
			in->branch = X86_BR_TRAP;
	} else if (in->map == X86_MAP_ONE) {
		if ((op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3))
			set_direct(in, end, 0, 1);
		else if (op == 0xe8 || op == 0xe9 || op == 0xeb)
			set_direct(in, end, op == 0xe8, 0);
		else if (op == 0xc7 && in->modrm == 0xf8)
			set_direct(in, end, 0, 1); /* xbegin: its abort path */
		else if (op == 0xc2 || op == 0xc3)
			in->branch = X86_BR_RET;
		else if (op == 0xca || op == 0xcb || op == 0xcf)
			in->branch = X86_BR_FAR;
		else if (op == 0xcc || op == 0xcd || op == 0xf1)
			in->branch = X86_BR_TRAP;
		else if (op == 0xff && (in->reg == 2 || in->reg == 4))
			in->branch = X86_BR_INDIRECT, in->is_call = in->reg == 2;
		else if (op == 0xff && (in->reg == 3 || in->reg == 5))
			in->branch = X86_BR_FAR, in->is_call = in->reg == 3;
	}
	/* 66 on a relative branch: rel16 on AMD, ignored on Intel; refused */
	if (in->branch == X86_BR_DIRECT && (in->prefixes & X86_P_66))
		return X86_E_PREFIX;
	return 0;
}

/* c6/c7 (mov r/m, imm; xabort; xbegin) and the ModRM of groups whose
 * existence depends on reg */
static int decode_c6c7(struct cursor *c, struct x86_insn *in)
{
	int rc;

	if ((rc = read_modrm(c, in, 0)))
		return rc;
	if (in->reg == 0)
		return read_imm(c, in, in->op == 0xc6 ? 1 : imm_z(in));
	if (in->modrm != 0xf8)
		return X86_E_UNDEFINED;
	return read_imm(c, in, in->op == 0xc6 ? 1 : 4);
}

/* what follows the opcode, as its table entry says */
static int decode_operands(struct cursor *c, struct x86_insn *in, const struct x86_op *op,
			   int mandatory)
{
	uint64_t v;
	int rc;

	switch (op->kind) {
	case K_NONE:
		return 0;
	case K_M: case K_M_I8: case K_M_IZ: case K_GRP3: case K_MREG: case K_3DNOW:
		if ((rc = read_modrm(c, in, op->kind == K_MREG)))
			return rc;
		if ((op->form == F_MEM && in->mod == 3) || (op->form == F_REG && in->mod != 3))
			return X86_E_UNDEFINED;
		if (op->regmask && !((op->regmask >> in->reg) & 1))
			return X86_E_UNDEFINED;
		if (!x86_form_defined(in, (unsigned)mandatory))
			return X86_E_UNDEFINED;
		if (op->kind == K_M_I8 || op->kind == K_3DNOW)
			return read_imm(c, in, 1);
		if (op->kind == K_M_IZ)
			return read_imm(c, in, imm_z(in));
		if (op->kind == K_GRP3 && in->reg <= 1)
			return read_imm(c, in, in->op == 0xf6 ? 1 : imm_z(in));
		return 0;
	case K_I8: case K_REL8:
		return read_imm(c, in, 1);
	case K_I16:
		return read_imm(c, in, 2);
	case K_IZ:
		return read_imm(c, in, imm_z(in));
	case K_REL32:
		return read_imm(c, in, 4);
	case K_IV:
		return read_imm(c, in, (in->rex & X86_REX_W) ? 8 : imm_z(in));
	case K_ENTER:
		if ((rc = read_imm(c, in, 2)))
			return rc;
		return read_imm(c, in, 1);
	case K_MOFFS:
		in->disp_size = (in->prefixes & X86_P_67) ? 4 : 8;
		if ((rc = take_n(c, in->disp_size, 0, &v)))
			return rc;
		in->disp = (int64_t)v;
		return 0;
	case K_XABORT_XBEGIN:
		return decode_c6c7(c, in);
	case K_INV64:
		return X86_E_INVALID64;
	}
	return X86_E_UNDEFINED;
}

/* VEX (c4/c5) and EVEX (62): the prefix bytes, then ModRM and, for the maps
 * and opcodes that take one, imm8. Lengths only: which of their opcodes
 * exist is not checked, and the verifier refuses them all (refuse.c). */
static int vex_has_imm8(unsigned map, unsigned op)
{
	if (map == 3)
		return 1;
	return map == 1 && ((op >= 0x70 && op <= 0x73) || (op >= 0xc4 && op <= 0xc6) || op == 0xc2);
}

static int decode_vex(struct cursor *c, struct x86_insn *in, uint8_t first)
{
	uint8_t p0, p1, p2, op;
	int rc;

	if (in->rex || (in->prefixes & (X86_P_66 | X86_P_F2 | X86_P_F3 | X86_P_LOCK)))
		return X86_E_PREFIX;
	if ((rc = take(c, &p0)))
		return rc;
	if (first == 0xc5) {
		in->enc = X86_ENC_VEX;
		in->map = 1;
		in->rex = 0x40 | ((p0 & 0x80) ? 0 : X86_REX_R);
	} else {
		if ((rc = take(c, &p1)))
			return rc;
		in->map = p0 & 0x1f;
		in->rex = 0x40 | ((p0 & 0x80) ? 0 : X86_REX_R) | ((p0 & 0x40) ? 0 : X86_REX_X) |
			  ((p0 & 0x20) ? 0 : X86_REX_B) | ((p1 & 0x80) ? X86_REX_W : 0);
		if (first == 0x62) {
			in->enc = X86_ENC_EVEX;
			in->map = p0 & 0x07;
			if ((p0 & 0x08) || !(p1 & 0x04))
				return X86_E_UNDEFINED;
			if ((rc = take(c, &p2)))
				return rc;
			if (in->map == 0 || in->map == 4 || in->map == 7)
				return X86_E_UNDEFINED;
		} else {
			in->enc = X86_ENC_VEX;
			if (in->map < 1 || in->map > 3)
				return X86_E_UNDEFINED;
		}
	}
	if ((rc = take(c, &op)))
		return rc;
	in->op = op;
	if (in->enc == X86_ENC_VEX && in->map == 1 && op == 0x77)
		return 0; /* vzeroupper, vzeroall */
	if ((rc = read_modrm(c, in, 0)))
		return rc;
	if (vex_has_imm8(in->map, op))
		return read_imm(c, in, 1);
	return 0;
}

/* the opcode after 0f: its map, then the entry */
static int decode_escaped(struct cursor *c, struct x86_insn *in, uint8_t last_rep)
{
	const struct x86_op *op;
	int mandatory, rc;
	uint8_t b;

	if ((rc = take(c, &b)))
		return rc;
	in->map = X86_MAP_0F;
	if (b == 0x38 || b == 0x3a) {
		in->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
		if ((rc = take(c, &b)))
			return rc;
	}
	in->op = b;
	op = in->map == X86_MAP_0F ? &x86_0f[b] : in->map == X86_MAP_0F38 ? &x86_0f38[b] : &x86_0f3a[b];
	if (op->kind == K_UNDEF)
		return X86_E_UNDEFINED;
	if ((mandatory = mandatory_prefix(in, last_rep)) < 0)
		return X86_E_PREFIX;
	if (op->pmask && !(op->pmask & mandatory))
		return X86_E_UNDEFINED;
	return decode_operands(c, in, op, mandatory);
}

int x86_decode(const uint8_t *code, size_t len, size_t off, struct x86_insn *out)
{
	struct cursor c = { code, len, off, off };
	struct x86_insn in;
	const struct x86_op *op;
	uint8_t b, last_rep = 0, m;
	int rc;

	memset(&in, 0, sizeof(in));
	if (off >= len)
		return X86_E_TRUNCATED;
	if ((rc = read_prefixes(&c, &in, &b, &last_rep)))
		return rc;
	op = &x86_one[b];
	in.op = b;
	switch (op->kind) {
	case K_ESC:
		rc = decode_escaped(&c, &in, last_rep);
		break;
	case K_VEX2: case K_VEX3: case K_EVEX:
		rc = decode_vex(&c, &in, b);
		break;
	case K_POP_XOP: /* XOP shares 8f with pop: its ModRM.reg is never 0 */
		if (c.pos < len && ((code[c.pos] >> 3) & 7) != 0)
			return X86_E_UNSUPPORTED;
		rc = decode_operands(&c, &in, &(struct x86_op){ K_M, 0, 0, 0 }, PN);
		break;
	default:
		m = (in.prefixes & X86_P_66) ? PO : PN;
		rc = decode_operands(&c, &in, op, m);
		break;
	}
	if (rc)
		return rc;
	in.len = (uint8_t)(c.pos - off);
	if (in.enc == X86_ENC_LEGACY && (rc = classify_branch(&in, c.pos)))
		return rc;
	*out = in;
	return 0;
}

const char *x86_error_name(int err)
{
	switch (err) {
	case X86_OK: return "ok";
	case X86_E_TRUNCATED: return "instruction runs past the end of the code";
	case X86_E_TOO_LONG: return "instruction longer than 15 bytes";
	case X86_E_INVALID64: return "opcode invalid in 64-bit mode";
	case X86_E_UNDEFINED: return "undefined opcode";
	case X86_E_REX_NOT_LAST: return "REX prefix not right before the opcode";
	case X86_E_PREFIX: return "prefix not allowed on this instruction";
	case X86_E_UNSUPPORTED: return "encoding not supported (XOP)";
	}
	return "unknown decoder error";
}
