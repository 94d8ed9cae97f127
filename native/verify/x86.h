/*
 * The verifier's own x86-64 decoder (64-bit mode only): for a byte string
 * and an offset, one instruction's length and the facts the verifier
 * needs. It refuses what it cannot decode, with a code naming why, and
 * never skips ahead. Tables: x86_tables.c, written from the Intel SDM's
 * opcode maps (volume 2, appendix A).
 */
#ifndef CORDON_VERIFY_X86_H
#define CORDON_VERIFY_X86_H

#include <stddef.h>
#include <stdint.h>

#define X86_MAX_LEN 15 /* longer is #UD, whatever the bytes */

/* why an instruction was not decoded */
enum x86_error {
	X86_OK = 0,
	X86_E_TRUNCATED = -1,   /* it runs past the end of the bytes */
	X86_E_TOO_LONG = -2,    /* more than 15 bytes */
	X86_E_INVALID64 = -3,   /* an opcode invalid in 64-bit mode */
	X86_E_UNDEFINED = -4,   /* no instruction has this encoding */
	X86_E_REX_NOT_LAST = -5,/* a REX prefix not right before the opcode */
	X86_E_PREFIX = -6,      /* a prefix this instruction does not take */
	X86_E_UNSUPPORTED = -7, /* a valid encoding outside what is decoded (XOP) */
};

const char *x86_error_name(int err);

enum x86_encoding { X86_ENC_LEGACY, X86_ENC_VEX, X86_ENC_EVEX };

/* the legacy maps; VEX and EVEX keep their own map number in `map` */
enum x86_map { X86_MAP_ONE = 0, X86_MAP_0F = 1, X86_MAP_0F38 = 2, X86_MAP_0F3A = 3 };

/* prefix bits in x86_insn.prefixes */
#define X86_P_66   0x01
#define X86_P_67   0x02
#define X86_P_F2   0x04
#define X86_P_F3   0x08
#define X86_P_LOCK 0x10
#define X86_P_SEG  0x20 /* any of 26 2e 36 3e 64 65 */

/* REX bits */
#define X86_REX_W 8
#define X86_REX_R 4
#define X86_REX_X 2
#define X86_REX_B 1

enum x86_branch {
	X86_BR_NONE,
	X86_BR_DIRECT,   /* jmp/call/jcc/loop/jrcxz/xbegin rel8 or rel32: target */
	X86_BR_INDIRECT, /* call or jmp through a register or memory */
	X86_BR_RET,      /* ret, ret imm16 */
	X86_BR_FAR,      /* lcall/ljmp (ff /3, /5), lret, iret */
	X86_BR_TRAP,     /* int n, int3, int1, syscall, sysenter, sysexit, sysret */
};

struct x86_insn {
	uint8_t len;
	uint8_t enc;      /* enum x86_encoding */
	uint8_t map;      /* enum x86_map, or the VEX/EVEX map field */
	uint8_t op;       /* the opcode byte in its map */
	uint8_t prefixes; /* X86_P_* */
	uint8_t seg;      /* the last segment prefix byte, 0 if none */
	uint8_t rex;      /* the REX byte (0x40..0x4f), 0 if none; VEX/EVEX: W R X B from it */
	uint8_t has_modrm;
	uint8_t modrm, mod, reg, rm; /* reg and rm without REX's extension */
	uint8_t has_sib, sib;
	uint8_t disp_size;  /* 0, 1, 4 (or 8 for a moffs) */
	uint8_t imm_size;   /* bytes of immediate, rel included */
	uint8_t rip_rel;    /* mod 0, rm 5: the displacement is from the next instruction */
	int64_t disp;
	uint64_t imm;
	uint8_t branch;     /* enum x86_branch */
	uint8_t is_call;    /* direct or indirect call */
	uint8_t is_cond;    /* jcc, loop*, jrcxz, xbegin */
	int64_t target;     /* X86_BR_DIRECT: offset of the target in the bytes */
};

/* Decodes the instruction at code[off] (code has len bytes): 0 and *out
 * filled, or an enum x86_error. */
int x86_decode(const uint8_t *code, size_t len, size_t off, struct x86_insn *out);

/* reg/rm with REX's extension: 0..15 */
static inline unsigned x86_reg(const struct x86_insn *i)
{
	return i->reg | ((i->rex & X86_REX_R) ? 8 : 0);
}

static inline unsigned x86_rm(const struct x86_insn *i)
{
	return i->rm | ((i->rex & X86_REX_B) ? 8 : 0);
}

#endif
