/*
 * Which decoded instructions a confined image may not hold anywhere
 * (CONFINEMENT.md, "What the verifier refuses"): returns the name the
 * refusal gives, or NULL. Indirect branches are the verifier's (they are
 * allowed in CHECK and EXIT) and are not judged here.
 */
#include "verify_int.h"

/* 0f 01: user-level ones only (xgetbv xend xtest rdpkru rdtscp) */
static const char *group7(const struct x86_insn *in)
{
	switch (in->modrm) {
	case 0xd0: case 0xd5: case 0xd6: case 0xee: case 0xf9:
		return NULL;
	case 0xef: return "wrpkru";
	case 0xf8: return "swapgs";
	case 0xd1: return "xsetbv";
	}
	return "system instruction (0f 01 group)";
}

/* 0f ae: the state saves and loads, fences, and the segment bases */
static const char *group15(const struct x86_insn *in)
{
	static const char *const bases[4] = { "rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase" };
	int w = (in->rex & X86_REX_W) != 0;

	if (in->mod == 3) {
		if (in->prefixes & X86_P_F3)
			return in->reg <= 3 ? bases[in->reg] : "0f ae register form with f3";
		return NULL; /* lfence mfence sfence: decoded only without prefixes */
	}
	if (in->reg == 5)
		return w ? "xrstor64" : "xrstor";
	return NULL; /* fxsave fxrstor ldmxcsr stmxcsr xsave xsaveopt clflush */
}

/* 0f c7: cmpxchg8b/16b, rdrand, rdseed only */
static const char *group9(const struct x86_insn *in)
{
	if (in->mod == 3 || in->reg == 1)
		return NULL;
	if (in->reg == 3)
		return (in->rex & X86_REX_W) ? "xrstors64" : "xrstors";
	return in->reg == 4 ? "xsavec" : "xsaves";
}

static const char *refused_0f(const struct x86_insn *in)
{
	switch (in->op) {
	case 0x00: return "system instruction (0f 00 group)";
	case 0x01: return group7(in);
	case 0x02: return "lar";
	case 0x03: return "lsl";
	case 0x06: return "clts";
	case 0x07: return "sysret";
	case 0x08: return "invd";
	case 0x09: return "wbinvd";
	case 0x0e: return "femms";
	case 0x0f: return "3DNow! instruction";
	case 0x20: case 0x22: return "mov to or from a control register";
	case 0x21: case 0x23: return "mov to or from a debug register";
	case 0x30: return "wrmsr";
	case 0x32: return "rdmsr";
	case 0x33: return "rdpmc";
	case 0x34: return "sysenter";
	case 0x35: return "sysexit";
	case 0x37: return "getsec";
	case 0x78: return "vmread";
	case 0x79: return "vmwrite";
	case 0xa1: return "pop %fs";
	case 0xa9: return "pop %gs";
	case 0xaa: return "rsm";
	case 0xae: return group15(in);
	case 0xb2: return "lss";
	case 0xb4: return "lfs";
	case 0xb5: return "lgs";
	case 0xc7: return group9(in);
	}
	return NULL;
}

static const char *refused_one(const struct x86_insn *in)
{
	switch (in->op) {
	case 0x6c: case 0x6d: case 0x6e: case 0x6f: return "ins/outs";
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:
	case 0xec: case 0xed: case 0xee: case 0xef: return "in/out";
	case 0x8e: return "mov to a segment register";
	case 0xc2: case 0xc3: return "ret";
	case 0xca: case 0xcb: return "lret";
	case 0xcf: return "iret";
	case 0xcd: return (in->imm & 0xff) == 0x80 ? "int 0x80" : "int n";
	case 0xf1: return "int1";
	case 0xfa: return "cli";
	case 0xfb: return "sti";
	case 0xc7: return in->modrm == 0xf8 ? "xbegin" : NULL;
	case 0xff:
		if (in->reg == 3)
			return "lcall (far call through memory)";
		if (in->reg == 5)
			return "ljmp (far jump through memory)";
		return NULL;
	}
	return NULL;
}

/* hlt is not here: at CPL 3 it only faults, as ud2 does, and musl's
 * a_crash (abort, __init_tls) is hlt */
const char *verify_refused(const struct x86_insn *in)
{
	if (in->enc == X86_ENC_VEX)
		return "VEX-encoded instruction (not accepted in confined images yet)";
	if (in->enc == X86_ENC_EVEX)
		return "EVEX-encoded instruction (not accepted in confined images yet)";
	switch (in->map) {
	case X86_MAP_ONE: return refused_one(in);
	case X86_MAP_0F: return refused_0f(in);
	case X86_MAP_0F38: return in->op >= 0x80 && in->op <= 0x82 ? "invept/invvpid/invpcid" : NULL;
	}
	return NULL;
}
