/*
 * cordon_verify (include/cordon/verify.h) on hand-assembled spans
 * (tests/verify/, one .s per case, linked at 0x100000: prelude.inc) and on spans made
 * here byte by byte: every forbidden instruction in prefix and REX
 * variants, at aligned and unaligned offsets and across a page boundary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/verify.h"
#include "harness.h"
#include "suites.h"

#define VADDR 0x100000ull /* prelude.inc's layout */
#define TABLE 0x200000ull

struct span_file {
	uint8_t *code;
	size_t len;
	char sym[4096]; /* nm's output */
};

static int load_case(const char *name, struct span_file *f)
{
	char rel[128];
	size_t n;
	uint8_t *s;

	snprintf(rel, sizeof(rel), "test/verify/%s.bin", name);
	f->code = read_file(path_of(target_dir, rel), &f->len);
	snprintf(rel, sizeof(rel), "test/verify/%s.sym", name);
	s = read_file(path_of(target_dir, rel), &n);
	if (!f->code || !s) {
		free(f->code);
		free(s);
		return -1;
	}
	snprintf(f->sym, sizeof(f->sym), "%.*s", (int)n, (char *)s);
	free(s);
	return 0;
}

/* a symbol's offset in the span, from nm's "addr t name" lines */
static long sym_off(const struct span_file *f, const char *name)
{
	const char *p = f->sym;
	unsigned long long a;
	char n[64], t;

	while (p && *p) {
		if (sscanf(p, "%llx %c %63s", &a, &t, n) == 3 && !strcmp(n, name))
			return (long)(a - VADDR);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

static int verify(const uint8_t *code, size_t len, uint64_t bad, uint8_t *targets,
		  struct cordon_verdict *v)
{
	struct cordon_verify_span s = { code, len, VADDR, TABLE, bad };

	return cordon_verify(&s, targets, v);
}

static int bit(const uint8_t *m, long i) { return i >= 0 && ((m[i / 8] >> (i % 8)) & 1); }

/* a case that must be refused at its `refused` label, naming `want` */
static void refused_case(const char *name, const char *want)
{
	struct span_file f;
	struct cordon_verdict v;
	uint8_t *t;
	long at;
	int rc;

	if (!check(load_case(name, &f) == 0, "%s: built", name))
		return;
	t = malloc(f.len / 8 + 1);
	at = sym_off(&f, "refused");
	rc = verify(f.code, f.len, VADDR, t, &v);
	check(rc == -1 && at >= 0 && v.offset == (size_t)at && contains(v.reason, want),
	      "%s: refused at %#lx naming \"%s\": %s", name, at, want, rc ? v.reason : "accepted");
	free(t);
	free(f.code);
}

static void accepted_case(void)
{
	struct span_file f;
	struct cordon_verdict v;
	long thunk, ret, caller, far;
	uint8_t *t;
	int rc;

	if (!check(load_case("ok_confined", &f) == 0, "ok_confined: built"))
		return;
	t = malloc(f.len / 8 + 1);
	rc = verify(f.code, f.len, VADDR, t, &v);
	check(rc == 0, "ok_confined: thunks, direct branches, exits, int3, syscall accepted%s%s",
	      rc ? ": " : "", rc ? v.reason : "");
	thunk = sym_off(&f, "thunk_r11");
	ret = sym_off(&f, "return_thunk");
	caller = sym_off(&f, "caller");
	far = sym_off(&f, "far_away");
	if (rc == 0) {
		/* thunk_r11 is a CHECK: its lea (7 bytes) is a target, its sub is not */
		check(bit(t, 0) && bit(t, thunk) && !bit(t, thunk + 7),
		      "ok_confined: targets: BAD and a CHECK's lea, not the sub after it");
		check(bit(t, ret) && bit(t, caller) && bit(t, far) && !bit(t, caller + 2),
		      "ok_confined: targets: instruction starts, not their middles");
		check(!bit(t, caller - 1) && !bit(t, caller - 2), "ok_confined: int3 padding is no target");
	}
	check(verify(f.code, f.len, VADDR + 2, t, &v) == -1 && contains(v.reason, "__cordon_bad_target"),
	      "ok_confined: a BAD that is not a ud2 is refused: %s", v.reason);
	check(verify(f.code, f.len, VADDR + 1, t, &v) == -1,
	      "ok_confined: a BAD inside an instruction is refused");
	free(t);
	free(f.code);
}

/* a forbidden instruction: its mandatory prefix (0: none), then the rest */
struct forbidden {
	const char *name;
	uint8_t mandatory;
	uint8_t len;
	uint8_t bytes[8];
};

static const struct forbidden forbidden[] = {
	{ "wrpkru", 0, 3, { 0x0f, 0x01, 0xef } },
	{ "xrstor", 0, 3, { 0x0f, 0xae, 0x2f } },
	{ "xrstors", 0, 3, { 0x0f, 0xc7, 0x1f } },
	{ "wrfsbase", 0xf3, 3, { 0x0f, 0xae, 0xd0 } },
	{ "wrgsbase", 0xf3, 3, { 0x0f, 0xae, 0xd8 } },
	{ "rdfsbase", 0xf3, 3, { 0x0f, 0xae, 0xc0 } },
	{ "rdgsbase", 0xf3, 3, { 0x0f, 0xae, 0xc8 } },
	{ "ret", 0, 1, { 0xc3 } },
	{ "ret", 0, 3, { 0xc2, 0x08, 0x00 } },
	{ "lret", 0, 1, { 0xcb } },
	{ "iret", 0, 1, { 0xcf } },
	{ "ljmp", 0, 2, { 0xff, 0x2f } },
	{ "lcall", 0, 2, { 0xff, 0x1f } },
	{ "indirect jmp", 0, 2, { 0xff, 0xe0 } },
	{ "indirect call", 0, 2, { 0xff, 0xd0 } },
	{ "indirect call", 0, 3, { 0xff, 0x50, 0x08 } },
	{ "int 0x80", 0, 2, { 0xcd, 0x80 } },
	{ "int n", 0, 2, { 0xcd, 0x03 } },
	{ "int1", 0, 1, { 0xf1 } },
	{ "sysenter", 0, 2, { 0x0f, 0x34 } },
	{ "sysexit", 0, 2, { 0x0f, 0x35 } },
	{ "sysret", 0, 2, { 0x0f, 0x07 } },
	{ "xbegin", 0, 6, { 0xc7, 0xf8, 0, 0, 0, 0 } },
	{ "mov to a segment register", 0, 2, { 0x8e, 0xe0 } }, /* %fs */
	{ "mov to a segment register", 0, 2, { 0x8e, 0xe8 } }, /* %gs */
	{ "mov to a segment register", 0, 2, { 0x8e, 0xd0 } }, /* %ss */
	{ "pop %fs", 0, 2, { 0x0f, 0xa1 } },
	{ "pop %gs", 0, 2, { 0x0f, 0xa9 } },
	{ "lss", 0, 3, { 0x0f, 0xb2, 0x07 } },
	{ "lfs", 0, 3, { 0x0f, 0xb4, 0x07 } },
	{ "swapgs", 0, 3, { 0x0f, 0x01, 0xf8 } },
	{ "cli", 0, 1, { 0xfa } },
	{ "in/out", 0, 2, { 0xe4, 0x60 } },
	{ "wrmsr", 0, 2, { 0x0f, 0x30 } },
	{ "mov to or from a control register", 0, 3, { 0x0f, 0x22, 0xc0 } },
};

/* prefix runs tried before each; "" is none */
static const char *const prefix_runs[] = {
	"", "\x66", "\x67", "\xf2", "\xf3", "\xf0", "\x2e", "\x3e", "\x26", "\x64", "\x65",
	"\x66\x67", "\xf3\x66", "\x2e\x2e\x2e", "\x64\x66\x67\xf0",
};
static const uint8_t rexes[] = { 0, 0x40, 0x41, 0x48, 0x4c, 0x4f };

/* prefixes, the mandatory prefix, REX, the rest: its length */
static size_t compose(uint8_t *out, const struct forbidden *f, const char *pre, uint8_t rex)
{
	size_t n = strlen(pre);

	memcpy(out, pre, n);
	if (f->mandatory)
		out[n++] = f->mandatory;
	if (rex)
		out[n++] = rex;
	memcpy(out + n, f->bytes, f->len);
	return n + f->len;
}

/* 8 KiB of nops, BAD at 0, the instruction at `at`: refused exactly there */
static int refused_at(const uint8_t *insn, size_t n, size_t at, char *why, size_t whylen)
{
	static uint8_t code[8192], targets[8192 / 8];
	struct cordon_verdict v;
	int rc;

	memset(code, 0x90, sizeof(code));
	code[0] = 0x0f, code[1] = 0x0b;
	memcpy(code + at, insn, n);
	rc = verify(code, sizeof(code), VADDR, targets, &v);
	snprintf(why, whylen, "%s", rc ? v.reason : "accepted");
	return rc == -1 && v.offset == at;
}

static void forbidden_variants(void)
{
	static const size_t offsets[] = { 16, 17, 23, 4096 - 2 };
	uint8_t insn[32];
	char why[200], first[260];
	size_t i, p, r, o, n, tried, named;

	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		const struct forbidden *f = &forbidden[i];

		tried = named = 0;
		first[0] = 0;
		for (p = 0; p < sizeof(prefix_runs) / sizeof(prefix_runs[0]); p++)
			for (r = 0; r < sizeof(rexes); r++)
				for (o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++) {
					n = compose(insn, f, prefix_runs[p], rexes[r]);
					tried++;
					if (!refused_at(insn, n, offsets[o], why, sizeof(why))) {
						if (!first[0])
							snprintf(first, sizeof(first), "prefixes %zu rex %#x at %zu: %s",
								 p, rexes[r], offsets[o], why);
					} else if (contains(why, f->name)) {
						named++;
					}
				}
		/* the plain form must name the instruction; with prefixes the
		 * decoder may refuse it as undefined first, at the same offset */
		n = compose(insn, f, "", 0);
		refused_at(insn, n, 17, why, sizeof(why));
		check(!first[0] && contains(why, f->name),
		      "%s: refused in %zu prefix/REX/offset variants (%zu by name): %s",
		      f->name, tried, named, first[0] ? first : why);
	}
}

void test_verify(void)
{
	suite("verify: verifier");
	accepted_case();
	refused_case("ret", "ret");
	refused_case("call_mem", "indirect call outside a CHECK or EXIT");
	refused_case("jmp_reg", "indirect jmp outside a CHECK or EXIT");
	refused_case("jmp_r11_bare", "no bt %r11, TARGETS(%rip)");
	refused_case("far_0x23", "ljmp");
	refused_case("lcall", "lcall");
	refused_case("lret", "lret");
	refused_case("iret", "iret");
	refused_case("int80", "int 0x80");
	refused_case("sysenter", "sysenter");
	refused_case("xbegin", "xbegin");
	refused_case("mov_fs", "mov to a segment register");
	refused_case("mov_gs", "mov to a segment register");
	refused_case("mov_ss", "mov to a segment register");
	refused_case("branch_mid", "inside an instruction");
	refused_case("branch_check_inner", "inside a CHECK");
	refused_case("branch_outside", "outside the span");
	refused_case("branch_int3", "to int3");
	refused_case("check_wrong_disp", "no cmp TABLE(%rip), %r11");
	refused_case("check_wrong_text", "no lea TEXT(%rip), %r10");
	refused_case("check_jae_elsewhere", "no jae BAD after the bt");
	refused_case("exit_past7", "not exit slot 0..7");
	refused_case("exit_misaligned", "not exit slot 0..7");
	refused_case("fall_off", "runs on past its end");
	refused_case("wrpkru", "wrpkru");
	refused_case("xrstor", "xrstor64");
	refused_case("wrgsbase_rex", "wrgsbase");
	refused_case("straddle", "wrfsbase");
	suite("verify: forbidden instructions in every prefix and REX form");
	forbidden_variants();
}
