/*
 * cordon_verify: two passes over the span. The first decodes it from its
 * start, instruction after instruction (they must tile it exactly), refuses
 * the instructions no confined image may hold and every indirect branch
 * but a CHECK's and an EXIT, and marks the instruction starts. The second
 * checks every direct branch against the permitted targets: instruction
 * starts, less a CHECK's inner seven and int3.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_int.h"

struct pass {
	const struct cordon_verify_span *s;
	uint8_t *targets;  /* permitted targets: the output */
	uint8_t *starts;   /* instruction starts */
	struct cordon_verdict *v;
	struct placed last[CHECK_INSNS]; /* the last eight, last[7] newest */
	size_t seen;
};

static void set_bit(uint8_t *m, size_t i) { m[i / 8] |= (uint8_t)(1u << (i % 8)); }
static void clear_bit(uint8_t *m, size_t i) { m[i / 8] &= (uint8_t)~(1u << (i % 8)); }
static int bit(const uint8_t *m, size_t i) { return (m[i / 8] >> (i % 8)) & 1; }

/* "offset 0x1a2: WHAT (c3 ...)": the reason, always -1 */
static int refuse(struct pass *p, size_t off, const char *fmt, ...)
{
	char what[120], hex[3 * 15 + 1] = "";
	size_t i, at = 0, n = p->s->len - off < 15 ? p->s->len - off : 15;
	struct x86_insn in;
	va_list ap;

	if (x86_decode(p->s->code, p->s->len, off, &in) == 0)
		n = in.len;
	for (i = 0; i < n; i++)
		at += (size_t)sprintf(hex + at, i ? " %02x" : "%02x", p->s->code[off + i]);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	p->v->offset = off;
	snprintf(p->v->reason, sizeof(p->v->reason), "offset %#zx: %s (%s)", off, what, hex);
	return -1;
}

/* an indirect branch: only a CHECK's last instruction or an EXIT */
static int judge_indirect(struct pass *p, const struct placed *cur)
{
	const char *why;
	size_t k;

	if (verify_exit_slot(p->s, cur) >= 0)
		return 0;
	if (!cur->in.is_call && cur->in.modrm == 0x25 && !cur->in.prefixes && !cur->in.rex)
		return refuse(p, cur->off, "jmp through memory that is not exit slot 0..7");
	if (!verify_is_check_jump(&cur->in))
		return refuse(p, cur->off, "indirect %s outside a CHECK or EXIT",
			      cur->in.is_call ? "call" : "jmp");
	if (p->seen < CHECK_INSNS)
		return refuse(p, cur->off, "jmp *%%r11 without its CHECK: too few instructions before");
	if ((why = verify_check_mismatch(p->s, p->last)))
		return refuse(p, cur->off, "jmp *%%r11 without its CHECK: %s", why);
	for (k = 1; k < CHECK_INSNS; k++) /* only the lea may be branched to */
		clear_bit(p->targets, p->last[k].off);
	return 0;
}

static int judge(struct pass *p, const struct placed *cur)
{
	const char *name = verify_refused(&cur->in);

	if (name)
		return refuse(p, cur->off, "%s", name);
	if (cur->in.branch == X86_BR_INDIRECT)
		return judge_indirect(p, cur);
	if (cur->in.branch == X86_BR_RET || cur->in.branch == X86_BR_FAR)
		return refuse(p, cur->off, "return or far transfer"); /* refuse.c names them all */
	if (cur->in.map == X86_MAP_ONE && cur->in.op == 0xcc)
		clear_bit(p->targets, cur->off); /* int3: padding, never a target */
	return 0;
}

/* whether control can run on past this instruction into the next byte:
 * the span's last one must not, or it would leave the span unchecked
 * (ud2, hlt and int3 trap; a call returns only through a CHECK, which
 * refuses the end of the span) */
static int falls_through(const struct x86_insn *in)
{
	if (in->map == X86_MAP_ONE && (in->op == 0xf4 || in->op == 0xcc))
		return 0;
	if (in->map == X86_MAP_0F && in->op == 0x0b)
		return 0;
	if (in->branch == X86_BR_INDIRECT || in->is_call)
		return 0;
	return !(in->branch == X86_BR_DIRECT && !in->is_cond);
}

static int first_pass(struct pass *p)
{
	size_t off = 0;
	int rc;

	while (off < p->s->len) {
		struct placed *cur = &p->last[CHECK_INSNS - 1];

		memmove(p->last, p->last + 1, sizeof(p->last) - sizeof(p->last[0]));
		cur->off = off;
		if ((rc = x86_decode(p->s->code, p->s->len, off, &cur->in)))
			return refuse(p, off, "cannot decode: %s", x86_error_name(rc));
		set_bit(p->starts, off);
		set_bit(p->targets, off);
		p->seen++;
		if (judge(p, cur))
			return -1;
		off += cur->in.len;
	}
	if (p->seen && falls_through(&p->last[CHECK_INSNS - 1].in))
		return refuse(p, p->last[CHECK_INSNS - 1].off,
			      "the span's last instruction runs on past its end");
	return 0;
}

static int second_pass(struct pass *p)
{
	struct x86_insn in;
	size_t off;
	int64_t t;

	for (off = 0; off < p->s->len; off += in.len) {
		if (x86_decode(p->s->code, p->s->len, off, &in))
			return refuse(p, off, "cannot decode on the second pass");
		if (in.branch != X86_BR_DIRECT)
			continue;
		t = in.target;
		if (t < 0 || (uint64_t)t >= p->s->len)
			return refuse(p, off, "direct branch to %#llx, outside the span",
				      (unsigned long long)(p->s->vaddr + (uint64_t)t));
		if (!bit(p->starts, (size_t)t))
			return refuse(p, off, "direct branch to offset %#llx, inside an instruction",
				      (unsigned long long)t);
		if (!bit(p->targets, (size_t)t))
			return refuse(p, off, "direct branch to offset %#llx, inside a CHECK or to int3",
				      (unsigned long long)t);
	}
	return 0;
}

/* BAD: a ud2 in the span (before the first pass: the CHECKs are matched
 * against it), at an instruction start (after it) */
static int check_bad_target(struct pass *p, int after_first_pass)
{
	uint64_t off = p->s->bad_target - p->s->vaddr;
	struct x86_insn in;
	int ok;

	ok = p->s->bad_target >= p->s->vaddr && off < p->s->len;
	if (ok && after_first_pass)
		ok = bit(p->starts, (size_t)off);
	else if (ok)
		ok = !x86_decode(p->s->code, p->s->len, (size_t)off, &in) &&
		     in.map == X86_MAP_0F && in.op == 0x0b && in.enc == X86_ENC_LEGACY;
	if (ok)
		return 0;
	p->v->offset = 0;
	snprintf(p->v->reason, sizeof(p->v->reason),
		 "__cordon_bad_target (%#llx) is not a ud2 at an instruction start in the span",
		 (unsigned long long)p->s->bad_target);
	return -1;
}

int cordon_verify(const struct cordon_verify_span *span, uint8_t *targets,
		  struct cordon_verdict *v)
{
	struct pass p = { .s = span, .targets = targets, .v = v };
	size_t bytes = (span->len + 7) / 8;
	int rc;

	v->offset = 0;
	v->reason[0] = 0;
	memset(targets, 0, bytes);
	p.starts = calloc(bytes ? bytes : 1, 1);
	if (!p.starts) {
		snprintf(v->reason, sizeof(v->reason), "out of memory for %zu bytes of bitmap", bytes);
		return -1;
	}
	rc = check_bad_target(&p, 0);
	if (!rc)
		rc = first_pass(&p);
	if (!rc)
		rc = check_bad_target(&p, 1);
	if (!rc)
		rc = second_pass(&p);
	free(p.starts);
	return rc;
}
