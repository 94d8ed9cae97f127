/*
 * libFuzzer target of the verifier (include/cordon/verify.h) and its
 * decoder (verify/x86.h), with binutils' libopcodes as the reference
 * (disassembling in-process; binutils-dev, installed by ensure-binutils).
 * Each input is a span of code after BAD's ud2. Random and mutated code
 * never passes unless the reference agrees:
 *  - every instruction the verifier would let through on its own (decoded,
 *    not refused by name, no indirect branch) has the reference's length,
 *    and the reference decodes it (no "(bad)", not prefixes alone), and
 *    does not name it as a forbidden one;
 *  - a span the verifier accepts is made of such instructions only, and
 *    its every indirect branch is a CHECK's jmp *%r11 or an EXIT.
 * ASan checks the decoder and the verifier never read outside the input.
 */
#include <dis-asm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/verify.h"
#include "verify/verify_int.h"

#define VADDR 0x100000ull
#define TABLE 0x200000ull
#define MAX_SPAN 4096

static char text[256];
static size_t text_len;

static int collect(void *stream, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)stream;
	va_start(ap, fmt);
	n = vsnprintf(text + text_len, sizeof(text) - text_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		text_len = text_len + (size_t)n < sizeof(text) ? text_len + (size_t)n : sizeof(text) - 1;
	return n;
}

static int collect_styled(void *stream, enum disassembler_style style, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)stream;
	(void)style;
	va_start(ap, fmt);
	n = vsnprintf(text + text_len, sizeof(text) - text_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		text_len = text_len + (size_t)n < sizeof(text) ? text_len + (size_t)n : sizeof(text) - 1;
	return n;
}

/* the reference's length of the instruction at code[off], its text in text[] */
static int reference(const uint8_t *code, size_t len, size_t off)
{
	static disassembler_ftype dis;
	disassemble_info info;

	if (!dis)
		dis = disassembler(bfd_arch_i386, 0, bfd_mach_x86_64, NULL);
	init_disassemble_info(&info, NULL, collect, collect_styled);
	info.arch = bfd_arch_i386;
	info.mach = bfd_mach_x86_64;
	info.buffer = (bfd_byte *)code;
	info.buffer_length = len;
	info.buffer_vma = 0;
	disassemble_init_for_target(&info);
	text_len = 0;
	text[0] = 0;
	return dis(off, &info);
}

/* mnemonics of instructions no accepted span may hold, as libopcodes
 * prints them (word starts) */
static const char *const forbidden_words[] = {
	"ret", "lret", "iret", "ljmp", "lcall", "int ", "int1", "into", "sysenter",
	"sysexit", "sysret", "xbegin", "wrpkru", "xrstor", "wrfsbase", "wrgsbase", "rdfsbase",
	"rdgsbase", "swapgs", "cli", "sti", "lss", "lfs", "lgs", "wrmsr", "rdmsr",
	"sgdt", "sidt", "lgdt", "lidt", "lldt", "ltr", "in ", "out ", "ins", "outs",
};

static int names_forbidden(const char *t)
{
	const char *w;
	size_t i, n;

	for (w = t; *w; w++) {
		if (w != t && w[-1] != ' ')
			continue;
		for (i = 0; i < sizeof(forbidden_words) / sizeof(forbidden_words[0]); i++) {
			n = strlen(forbidden_words[i]);
			if (!strncmp(w, forbidden_words[i], n) &&
			    (forbidden_words[i][n - 1] == ' ' || w[n] == ' ' || w[n] == 0 ||
			     strchr("bwlqd", w[n])))
				return 1;
		}
	}
	/* a load of a segment register: mov ...,%ss/%ds/%es/%fs/%gs; pop %fs */
	n = strlen(t);
	return (strstr(t, "mov") && n > 4 && t[n - 4] == ',' && t[n - 3] == '%' && t[n - 1] == 's' &&
		strchr("sdefg", t[n - 2])) ||
	       !strcmp(t, "pop    %fs") || !strcmp(t, "pop    %gs");
}

static int prefixes_only(const char *t)
{
	static const char *const names[] = { "data16", "addr32", "lock", "repz", "repnz", "rex",
					     "cs", "ds", "es", "ss", "fs", "gs", "bnd", "notrack" };
	char word[32];
	size_t i, n;
	int found;

	while (*t == ' ')
		t++;
	while (*t) {
		n = strcspn(t, " ");
		snprintf(word, sizeof(word), "%.*s", (int)n, t);
		found = !strncmp(word, "rex.", 4);
		for (i = 0; i < sizeof(names) / sizeof(names[0]) && !found; i++)
			found = !strcmp(word, names[i]);
		if (!found)
			return 0;
		t += n;
		while (*t == ' ')
			t++;
	}
	return 1;
}

static void disagree(const uint8_t *code, size_t len, size_t off, const char *what, int theirs,
		     int mine)
{
	size_t i;

	fprintf(stderr, "fuzz_verify: %s at offset %zu: reference %d bytes \"%s\", decoder %d; bytes:",
		what, off, theirs, text, mine);
	for (i = off; i < len && i < off + 16; i++)
		fprintf(stderr, " %02x", code[i]);
	fprintf(stderr, "\n");
	abort();
}

/* would the verifier let this one through on its own? */
static int passes_alone(const struct x86_insn *in)
{
	return !verify_refused(in) && in->branch != X86_BR_INDIRECT && in->branch != X86_BR_RET &&
	       in->branch != X86_BR_FAR;
}

/* every instruction from the start, while the decoder decodes */
static void compare_all(const uint8_t *code, size_t len)
{
	struct x86_insn in;
	size_t off = 2; /* BAD's ud2 */
	int theirs;

	while (off < len && x86_decode(code, len, off, &in) == 0) {
		if (passes_alone(&in)) {
			theirs = reference(code, len, off);
			if (strstr(text, "(bad)") || !strncmp(text, ".byte", 5) || prefixes_only(text))
				disagree(code, len, off, "accepted what the reference cannot decode", theirs,
					 in.len);
			if (theirs != in.len)
				disagree(code, len, off, "length differs", theirs, in.len);
			if (names_forbidden(text))
				disagree(code, len, off, "accepted a forbidden instruction", theirs, in.len);
		}
		off += in.len;
	}
}

/* an accepted span: each instruction on its own, or a CHECK's or EXIT's jump */
static void check_accepted(const uint8_t *code, size_t len)
{
	const struct cordon_verify_span s = { code, len, VADDR, TABLE, VADDR };
	struct placed p;
	size_t off;

	for (off = 0; off < len; off += p.in.len) {
		p.off = off;
		if (x86_decode(code, len, off, &p.in))
			disagree(code, len, off, "accepted an undecodable span", 0, 0);
		if (passes_alone(&p.in))
			continue;
		if (!verify_is_check_jump(&p.in) && verify_exit_slot(&s, &p) < 0)
			disagree(code, len, off, "accepted a branch that is no CHECK or EXIT", 0, p.in.len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t targets[(2 + MAX_SPAN) / 8 + 1];
	struct cordon_verify_span s = { NULL, 0, VADDR, TABLE, VADDR };
	struct cordon_verdict v;
	uint8_t *exact;

	if (size > MAX_SPAN)
		size = MAX_SPAN;
	/* an exact-size heap copy: ASan sees any read past the end */
	exact = malloc(2 + size);
	if (!exact)
		return 0;
	exact[0] = 0x0f, exact[1] = 0x0b;
	memcpy(exact + 2, data, size);
	s.code = exact;
	s.len = 2 + size;
	compare_all(exact, s.len);
	if (cordon_verify(&s, targets, &v) == 0)
		check_accepted(exact, s.len);
	free(exact);
	return 0;
}
