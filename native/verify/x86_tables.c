/*
 * Opcode tables of the legacy maps, from the Intel SDM volume 2, appendix
 * A (tables ..A-22 for x87 and the groups), in 64-bit mode.
 * An opcode that is not listed is undefined and refused. Where a form exists
 * only with some mandatory prefixes (SSE), pmask lists them; forms the
 * processor defines but compiled code never meets (AMD's SSE4a, the
 * 8087/287 no-ops, reserved x87 aliases) are left out on purpose: refusing
 * them costs nothing.
 */
#include "x86_tables.h"

#define M(p, f)  { K_M, p, f, 0 }
#define MI(p, f) { K_M_I8, p, f, 0 }
#define G(k, r)  { k, 0, 0, r }
#define K(k)     { k, 0, 0, 0 }

/* table A-2: the one-byte map */
const struct x86_op x86_one[256] = {
	/* the eight ALU rows: op r/m,r; op r,r/m; op al,imm8; op eax,imm */
	[0x00 ... 0x03] = K(K_M), [0x04] = K(K_I8), [0x05] = K(K_IZ),
	[0x08 ... 0x0b] = K(K_M), [0x0c] = K(K_I8), [0x0d] = K(K_IZ),
	[0x10 ... 0x13] = K(K_M), [0x14] = K(K_I8), [0x15] = K(K_IZ),
	[0x18 ... 0x1b] = K(K_M), [0x1c] = K(K_I8), [0x1d] = K(K_IZ),
	[0x20 ... 0x23] = K(K_M), [0x24] = K(K_I8), [0x25] = K(K_IZ),
	[0x28 ... 0x2b] = K(K_M), [0x2c] = K(K_I8), [0x2d] = K(K_IZ),
	[0x30 ... 0x33] = K(K_M), [0x34] = K(K_I8), [0x35] = K(K_IZ),
	[0x38 ... 0x3b] = K(K_M), [0x3c] = K(K_I8), [0x3d] = K(K_IZ),
	/* push/pop es cs ss ds, daa das aaa aas */
	[0x06] = K(K_INV64), [0x07] = K(K_INV64), [0x0e] = K(K_INV64),
	[0x16] = K(K_INV64), [0x17] = K(K_INV64), [0x1e] = K(K_INV64), [0x1f] = K(K_INV64),
	[0x27] = K(K_INV64), [0x2f] = K(K_INV64), [0x37] = K(K_INV64), [0x3f] = K(K_INV64),
	[0x0f] = K(K_ESC),
	[0x26] = K(K_PREFIX), [0x2e] = K(K_PREFIX), [0x36] = K(K_PREFIX), [0x3e] = K(K_PREFIX),
	[0x40 ... 0x4f] = K(K_REX),
	[0x50 ... 0x5f] = K(K_NONE),   /* push/pop reg */
	[0x60] = K(K_INV64), [0x61] = K(K_INV64), /* pusha popa */
	[0x62] = K(K_EVEX),             /* bound outside 64-bit mode */
	[0x63] = K(K_M),                /* movsxd */
	[0x64 ... 0x67] = K(K_PREFIX),  /* fs gs data16 addr32 */
	[0x68] = K(K_IZ), [0x69] = K(K_M_IZ), [0x6a] = K(K_I8), [0x6b] = K(K_M_I8),
	[0x6c ... 0x6f] = K(K_NONE),    /* ins outs */
	[0x70 ... 0x7f] = K(K_REL8),    /* jcc */
	[0x80] = K(K_M_I8), [0x81] = K(K_M_IZ), [0x82] = K(K_INV64), [0x83] = K(K_M_I8),
	[0x84 ... 0x8b] = K(K_M),       /* test xchg mov */
	[0x8c] = K(K_M),                /* mov from a segment register */
	[0x8d] = { K_M, 0, F_MEM, 0 },  /* lea */
	[0x8e] = K(K_M),                /* mov to a segment register */
	[0x8f] = K(K_POP_XOP),
	[0x90 ... 0x99] = K(K_NONE),    /* nop/xchg, cbw, cwd */
	[0x9a] = K(K_INV64),            /* lcall ptr16:32 */
	[0x9b ... 0x9f] = K(K_NONE),    /* fwait pushf popf sahf lahf */
	[0xa0 ... 0xa3] = K(K_MOFFS),
	[0xa4 ... 0xa7] = K(K_NONE),    /* movs cmps */
	[0xa8] = K(K_I8), [0xa9] = K(K_IZ),
	[0xaa ... 0xaf] = K(K_NONE),    /* stos lods scas */
	[0xb0 ... 0xb7] = K(K_I8), [0xb8 ... 0xbf] = K(K_IV),
	[0xc0] = G(K_M_I8, 0xbf), [0xc1] = G(K_M_I8, 0xbf), /* shifts: /6 is reserved */
	[0xc2] = K(K_I16), [0xc3] = K(K_NONE),              /* ret */
	[0xc4] = K(K_VEX3), [0xc5] = K(K_VEX2),
	[0xc6] = K(K_XABORT_XBEGIN), [0xc7] = K(K_XABORT_XBEGIN),
	[0xc8] = K(K_ENTER), [0xc9] = K(K_NONE),
	[0xca] = K(K_I16), [0xcb] = K(K_NONE),              /* lret */
	[0xcc] = K(K_NONE), [0xcd] = K(K_I8), [0xce] = K(K_INV64), [0xcf] = K(K_NONE),
	[0xd0 ... 0xd3] = G(K_M, 0xbf),
	[0xd4 ... 0xd6] = K(K_INV64),   /* aam aad salc */
	[0xd7] = K(K_NONE),             /* xlat */
	[0xd8 ... 0xdf] = K(K_M),       /* x87: x86_form_defined */
	[0xe0 ... 0xe3] = K(K_REL8),    /* loopne loope loop jrcxz */
	[0xe4 ... 0xe7] = K(K_I8),      /* in out imm8 */
	[0xe8] = K(K_REL32), [0xe9] = K(K_REL32), [0xea] = K(K_INV64), [0xeb] = K(K_REL8),
	[0xec ... 0xef] = K(K_NONE),    /* in out dx */
	[0xf0] = K(K_PREFIX), [0xf1] = K(K_NONE), [0xf2] = K(K_PREFIX), [0xf3] = K(K_PREFIX),
	[0xf4] = K(K_NONE), [0xf5] = K(K_NONE),
	[0xf6] = G(K_GRP3, 0xfd), [0xf7] = G(K_GRP3, 0xfd), /* /1 is an alias: left out */
	[0xf8 ... 0xfd] = K(K_NONE),
	[0xfe] = G(K_M, 0x03), [0xff] = G(K_M, 0x7f),
};

/* table A-3: the two-byte map, 0f xx */
const struct x86_op x86_0f[256] = {
	[0x00] = G(K_M, 0x3f),          /* group 6 */
	[0x01] = K(K_M),                /* group 7: x86_form_defined */
	[0x02] = K(K_M), [0x03] = K(K_M),   /* lar lsl */
	[0x05] = K(K_NONE), [0x06] = K(K_NONE), [0x07] = K(K_NONE), /* syscall clts sysret */
	[0x08] = K(K_NONE), [0x09] = { K_NONE, PN | PS, 0, 0 }, /* invd wbinvd/wbnoinvd */
	[0x0b] = K(K_NONE),             /* ud2 */
	[0x0d] = { K_M, 0, F_MEM, 0x03 },   /* prefetch, prefetchw */
	[0x0e] = K(K_NONE),             /* femms */
	[0x0f] = K(K_3DNOW),
	[0x10] = M(PN | PO | PS | PD, 0), [0x11] = M(PN | PO | PS | PD, 0),
	[0x12] = M(PN | PO | PS | PD, 0), [0x13] = M(PN | PO, F_MEM),
	[0x14] = M(PN | PO, 0), [0x15] = M(PN | PO, 0),
	[0x16] = M(PN | PO | PS, 0), [0x17] = M(PN | PO, F_MEM),
	[0x18] = K(K_M),                /* group 16, hint nops: x86_form_defined */
	[0x19] = K(K_M),                /* hint nop; 1a 1b: MPX, left out */
	[0x1c ... 0x1f] = K(K_M),       /* hint nops, endbr64 (f3 0f 1e fa) */
	[0x20 ... 0x23] = K(K_MREG),    /* mov cr/dr */
	[0x28] = M(PN | PO, 0), [0x29] = M(PN | PO, 0),
	[0x2a] = M(PN | PO | PS | PD, 0), [0x2b] = M(PN | PO, F_MEM),
	[0x2c] = M(PN | PO | PS | PD, 0), [0x2d] = M(PN | PO | PS | PD, 0),
	[0x2e] = M(PN | PO, 0), [0x2f] = M(PN | PO, 0),
	[0x30 ... 0x35] = K(K_NONE),    /* wrmsr rdtsc rdmsr rdpmc sysenter sysexit */
	[0x37] = K(K_NONE),             /* getsec */
	[0x38] = K(K_ESC), [0x3a] = K(K_ESC),
	[0x40 ... 0x4f] = K(K_M),       /* cmovcc */
	[0x50] = M(PN | PO, F_REG),     /* movmskps/pd */
	[0x51] = M(PN | PO | PS | PD, 0),
	[0x52] = M(PN | PS, 0), [0x53] = M(PN | PS, 0),     /* rsqrt rcp */
	[0x54 ... 0x57] = M(PN | PO, 0),                    /* and andn or xor */
	[0x58 ... 0x5a] = M(PN | PO | PS | PD, 0),          /* add mul cvt */
	[0x5b] = M(PN | PO | PS, 0),
	[0x5c ... 0x5f] = M(PN | PO | PS | PD, 0),          /* sub min div max */
	[0x60 ... 0x6b] = M(PN | PO, 0),                    /* punpck* pcmpgt* pack* */
	[0x6c] = M(PO, 0), [0x6d] = M(PO, 0),               /* punpckl/hqdq */
	[0x6e] = M(PN | PO, 0),                             /* movd/movq */
	[0x6f] = M(PN | PO | PS, 0),                        /* movq movdqa movdqu */
	[0x70] = MI(PN | PO | PS | PD, 0),                  /* pshufw/d/hw/lw */
	[0x71 ... 0x73] = MI(PN | PO, F_REG),               /* groups 12-14 */
	[0x74 ... 0x76] = M(PN | PO, 0),                    /* pcmpeq* */
	[0x77] = { K_NONE, PN, 0, 0 },                      /* emms */
	[0x78] = { K_M, PN, 0, 0 }, [0x79] = { K_M, PN, 0, 0 }, /* vmread vmwrite */
	[0x7c] = M(PO | PD, 0), [0x7d] = M(PO | PD, 0),     /* haddp* hsubp* */
	[0x7e] = M(PN | PO | PS, 0), [0x7f] = M(PN | PO | PS, 0),
	[0x80 ... 0x8f] = K(K_REL32),   /* jcc rel32 */
	[0x90 ... 0x9f] = K(K_M),       /* setcc */
	[0xa0] = K(K_NONE), [0xa1] = K(K_NONE), [0xa2] = K(K_NONE), /* push fs, pop fs, cpuid */
	[0xa3] = K(K_M), [0xa4] = K(K_M_I8), [0xa5] = K(K_M),      /* bt shld */
	[0xa8] = K(K_NONE), [0xa9] = K(K_NONE), [0xaa] = K(K_NONE), /* push gs, pop gs, rsm */
	[0xab] = K(K_M), [0xac] = K(K_M_I8), [0xad] = K(K_M),      /* bts shrd */
	[0xae] = K(K_M),                /* group 15: x86_form_defined */
	[0xaf] = K(K_M),                /* imul */
	[0xb0] = K(K_M), [0xb1] = K(K_M),   /* cmpxchg */
	[0xb2] = { K_M, 0, F_MEM, 0 }, [0xb3] = K(K_M),  /* lss btr */
	[0xb4] = { K_M, 0, F_MEM, 0 }, [0xb5] = { K_M, 0, F_MEM, 0 }, /* lfs lgs */
	[0xb6] = K(K_M), [0xb7] = K(K_M),   /* movzx */
	[0xb8] = M(PS, 0),              /* popcnt */
	[0xb9] = K(K_M),                /* ud1 */
	[0xba] = G(K_M_I8, 0xf0),       /* group 8: bt bts btr btc imm8 */
	[0xbb] = K(K_M),                /* btc */
	[0xbc] = M(PN | PO | PS, 0), [0xbd] = M(PN | PO | PS, 0), /* bsf/tzcnt bsr/lzcnt */
	[0xbe] = K(K_M), [0xbf] = K(K_M),   /* movsx */
	[0xc0] = K(K_M), [0xc1] = K(K_M),   /* xadd */
	[0xc2] = MI(PN | PO | PS | PD, 0),  /* cmpps/pd/ss/sd */
	[0xc3] = M(PN, F_MEM),          /* movnti */
	[0xc4] = MI(PN | PO, 0),        /* pinsrw */
	[0xc5] = MI(PN | PO, F_REG),    /* pextrw */
	[0xc6] = MI(PN | PO, 0),        /* shufps/pd */
	[0xc7] = K(K_M),                /* group 9: x86_form_defined */
	[0xc8 ... 0xcf] = K(K_NONE),    /* bswap */
	[0xd0] = M(PO | PD, 0),         /* addsubpd/ps */
	[0xd1 ... 0xd5] = M(PN | PO, 0),
	[0xd6] = M(PO, 0),              /* movq xmm store */
	[0xd7] = M(PN | PO, F_REG),     /* pmovmskb */
	[0xd8 ... 0xe5] = M(PN | PO, 0),
	[0xe6] = M(PO | PS | PD, 0),    /* cvttpd2dq cvtdq2pd cvtpd2dq */
	[0xe7] = M(PN | PO, F_MEM),     /* movntq/movntdq */
	[0xe8 ... 0xef] = M(PN | PO, 0),
	[0xf0] = M(PD, F_MEM),          /* lddqu */
	[0xf1 ... 0xf6] = M(PN | PO, 0),
	[0xf7] = M(PN | PO, F_REG),     /* maskmovq/dqu */
	[0xf8 ... 0xfe] = M(PN | PO, 0),
	[0xff] = K(K_M),                /* ud0 */
};

/* table A-4: 0f 38 xx, all with ModRM */
const struct x86_op x86_0f38[256] = {
	[0x00 ... 0x0b] = M(PN | PO, 0),    /* pshufb .. pmulhrsw (MMX and SSE) */
	[0x10] = M(PO, 0), [0x14] = M(PO, 0), [0x15] = M(PO, 0), [0x17] = M(PO, 0),
	[0x1c ... 0x1e] = M(PN | PO, 0),    /* pabs* */
	[0x20 ... 0x25] = M(PO, 0),         /* pmovsx* */
	[0x28] = M(PO, 0), [0x29] = M(PO, 0), [0x2a] = M(PO, F_MEM), [0x2b] = M(PO, 0),
	[0x30 ... 0x35] = M(PO, 0),         /* pmovzx* */
	[0x37 ... 0x41] = M(PO, 0),         /* pcmpgtq pmin* pmax* pmulld phminposuw */
	[0x80 ... 0x82] = M(PO, F_MEM),     /* invept invvpid invpcid */
	[0xc8 ... 0xcd] = M(PN, 0),         /* sha1* sha256* */
	[0xcf] = M(PO, 0),                  /* gf2p8mulb */
	[0xdb ... 0xdf] = M(PO, 0),         /* aesimc aesenc* aesdec* */
	[0xf0] = M(PN | PO | PD, 0),        /* movbe (memory: below) / crc32 */
	[0xf1] = M(PN | PO | PD, 0),
	[0xf6] = M(PO | PS, 0),             /* adcx adox */
};

/* table A-5: 0f 3a xx, all with ModRM and imm8 */
const struct x86_op x86_0f3a[256] = {
	[0x08 ... 0x0e] = MI(PO, 0),        /* round* blend* */
	[0x0f] = MI(PN | PO, 0),            /* palignr */
	[0x14 ... 0x17] = MI(PO, 0),        /* pextr* extractps */
	[0x20 ... 0x22] = MI(PO, 0),        /* pinsr* insertps */
	[0x40 ... 0x42] = MI(PO, 0),        /* dpps dppd mpsadbw */
	[0x44] = MI(PO, 0),                 /* pclmulqdq */
	[0x60 ... 0x63] = MI(PO, 0),        /* pcmp[ei]str[im] */
	[0xcc] = MI(PN, 0),                 /* sha1rnds4 */
	[0xce] = MI(PO, 0), [0xcf] = MI(PO, 0), /* gf2p8affine* */
	[0xdf] = MI(PO, 0),                 /* aeskeygenassist */
};

/* x87 register forms (mod 3) that exist, tables A-7..A-22: r is the ModRM
 * byte less c0 */
static int x87_reg_defined(unsigned op, unsigned modrm)
{
	unsigned r = modrm - 0xc0;

	switch (op) {
	case 0xd8: return 1;
	case 0xd9:
		return r < 0x10 || r == 0x10 || r == 0x20 || r == 0x21 || r == 0x24 ||
		       r == 0x25 || (r >= 0x28 && r <= 0x2e) || r >= 0x30;
	case 0xda: return r < 0x20 || r == 0x29;
	case 0xdb: return r < 0x20 || r == 0x22 || r == 0x23 || (r >= 0x28 && r < 0x38);
	case 0xdc: return r < 0x10 || r >= 0x20;
	case 0xdd: return r < 0x08 || (r >= 0x10 && r < 0x30);
	case 0xde: return r < 0x10 || r == 0x19 || r >= 0x20;
	case 0xdf: return r == 0x20 || (r >= 0x28 && r < 0x38);
	}
	return 0;
}

/* x87 memory forms: /n that exist per escape byte */
static const uint8_t x87_mem_regs[8] = {
	0xff, 0xfd, 0xff, 0xaf, 0xff, 0xdf, 0xff, 0xff,
};

/* group 7 (0f 01), register forms this decoder knows: xgetbv xsetbv xend
 * xtest, monitor mwait clac stac, rdpkru wrpkru, swapgs rdtscp, and
 * the system ones (vmcall..vmxoff, encls..) are left out */
static int group7_defined(unsigned modrm, unsigned mandatory)
{
	if ((modrm >> 6) != 3)
		return ((modrm >> 3) & 7) != 5 && mandatory == PN;
	if (mandatory != PN)
		return 0;
	switch (modrm) {
	case 0xc8: case 0xc9: case 0xca: case 0xcb: /* monitor mwait clac stac */
	case 0xd0: case 0xd1: case 0xd5: case 0xd6: /* xgetbv xsetbv xend xtest */
	case 0xee: case 0xef: case 0xf8: case 0xf9: /* rdpkru wrpkru swapgs rdtscp */
		return 1;
	}
	return 0;
}

/* group 15 (0f ae) */
static int group15_defined(unsigned modrm, unsigned mandatory, unsigned rex)
{
	unsigned reg = (modrm >> 3) & 7;

	if ((modrm >> 6) != 3)
		return mandatory == PN; /* fxsave fxrstor ldmxcsr stmxcsr xsave xrstor xsaveopt clflush */
	if (mandatory == PS)
		return reg <= 3;        /* rdfsbase rdgsbase wrfsbase wrgsbase */
	/* lfence (any rm), mfence and sfence (rm 0 only, as objdump reads them) */
	return mandatory == PN && !rex && (reg == 5 || modrm == 0xf0 || modrm == 0xf8);
}

/* group 9 (0f c7) */
static int group9_defined(unsigned modrm, unsigned mandatory)
{
	unsigned reg = (modrm >> 3) & 7;

	if ((modrm >> 6) != 3)
		return mandatory == PN && (reg == 1 || (reg >= 3 && reg <= 5));
	return (mandatory == PN || mandatory == PO) && reg >= 6; /* rdrand rdseed */
}

/* groups 12, 13, 14 (0f 71..73): the shifts by imm8 */
static int shift_group_defined(unsigned op, unsigned modrm, unsigned mandatory)
{
	unsigned reg = (modrm >> 3) & 7;

	if (op == 0x73 && (reg == 3 || reg == 7))
		return mandatory == PO; /* psrldq pslldq */
	if (op == 0x73)
		return reg == 2 || reg == 6;
	return reg == 2 || reg == 4 || reg == 6;
}

int x86_form_defined(const struct x86_insn *in, unsigned mandatory)
{
	unsigned map = in->map, op = in->op, modrm = in->modrm;
	unsigned reg = (modrm >> 3) & 7, mem = (modrm >> 6) != 3;

	if (map == 0 && op >= 0xd8 && op <= 0xdf)
		return mem ? (x87_mem_regs[op - 0xd8] >> reg) & 1 : x87_reg_defined(op, modrm);
	if (map == 0 && op == 0xff && (reg == 3 || reg == 5))
		return mem; /* lcall, ljmp: through memory only */
	if (map == 1 && (op == 0x12 || op == 0x16) && mandatory == PO)
		return mem; /* movlpd movhpd */
	if (map == 2 && (op == 0xf0 || op == 0xf1))
		return mandatory == PD || mem; /* movbe takes memory only; crc32 both */
	if (map != 1)
		return 1;
	switch (op) {
	case 0x01: return group7_defined(modrm, mandatory);
	case 0xae: return group15_defined(modrm, mandatory, in->rex);
	case 0xc7: return group9_defined(modrm, mandatory);
	case 0x71: case 0x72: case 0x73: return shift_group_defined(op, modrm, mandatory);
	}
	return 1;
}
