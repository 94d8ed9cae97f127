/*
 * The decoder's opcode tables (x86_tables.c): per map and opcode byte,
 * what follows the opcode and which forms exist. Internal to verify/.
 */
#ifndef CORDON_VERIFY_X86_TABLES_H
#define CORDON_VERIFY_X86_TABLES_H

#include <stdint.h>

#include "x86.h"

/* what follows the opcode byte */
enum x86_kind {
	K_UNDEF = 0, /* no instruction */
	K_NONE,      /* nothing */
	K_M,         /* ModRM */
	K_M_I8,      /* ModRM, imm8 */
	K_M_IZ,      /* ModRM, imm16/32 by operand size */
	K_I8,        /* imm8 */
	K_I16,       /* imm16 */
	K_IZ,        /* imm16/32 by operand size */
	K_IV,        /* imm16/32/64 by operand size (mov $imm, reg) */
	K_MOFFS,     /* a 64-bit address (32 with 67) */
	K_REL8,      /* rel8 branch */
	K_REL32,     /* rel32 branch */
	K_ENTER,     /* imm16, imm8 */
	K_GRP3,      /* f6/f7: ModRM, an immediate for /0 and /1 only */
	K_MREG,      /* ModRM whose mod is ignored: always a register (mov cr/dr) */
	K_3DNOW,     /* ModRM, then an opcode suffix byte */
	K_XABORT_XBEGIN, /* c6/c7: /0 mov; f8 xabort imm8 / xbegin rel */
	K_INV64,     /* invalid in 64-bit mode */
	K_PREFIX,    /* a legacy prefix */
	K_REX,       /* 40..4f */
	K_VEX2, K_VEX3, K_EVEX,
	K_POP_XOP,   /* 8f: pop r/m (/0), else XOP */
	K_ESC,       /* 0f, 0f 38, 0f 3a */
};

/* mandatory prefixes an SSE-style opcode exists with (0: any, ignored) */
#define PN 0x01 /* none */
#define PO 0x02 /* 66 */
#define PS 0x04 /* f3 */
#define PD 0x08 /* f2 */

/* operand forms that exist (0: both) */
#define F_MEM 1 /* ModRM memory operand only */
#define F_REG 2 /* ModRM register operand only */

struct x86_op {
	uint8_t kind;    /* enum x86_kind */
	uint8_t pmask;   /* P* bits, 0 = prefix-insensitive */
	uint8_t form;    /* F_* */
	uint8_t regmask; /* ModRM.reg values that exist (bit n: /n), 0 = all */
};

extern const struct x86_op x86_one[256], x86_0f[256], x86_0f38[256], x86_0f3a[256];

/* The forms whose existence depends on more than the table says (x87
 * registers, groups 7, 9, 15, 12-14, movbe): nonzero if in (its map, op,
 * ModRM and REX read) is defined with this mandatory prefix (P*). */
int x86_form_defined(const struct x86_insn *in, unsigned mandatory);

#endif
