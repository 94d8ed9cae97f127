/*
 * One syscall policy for all backends (cordon/syscalls.def): for every
 * number 0..NR_LAST and every policy (none, each group alone, all; with a
 * data directory and without), the verdict of cordon-host's seccomp
 * program and of a kernel context's (both run through tests/bpf_run.c),
 * and vsys's dispatch decision, each as the table says, and the three the
 * same wherever the table gives no reason. Also the BPF emitter's refusals:
 * a jump out of reach fails the program, never lands elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/filter.h>

#include "../gate/kctx.h"
#include "../gate/vsys.h"
#include "bpf_run.h"
#include "harness.h"
#include "policy/policy.h"
#include "suites.h"

#define NR_LAST 511         /* beyond the highest number x86-64 has */
#define SELF_PID 4242u
#define MAX_INSNS 512
#define ALLOW SC_ALLOW
#define EPERM_ (SC_ERRNO | EPERM)

static const uint32_t tids[] = { 4243, 4244 };

struct policy {
	unsigned groups;
	int dir; /* a data directory (uswitch, mpk) / Landlock (process) */
	char name[48];
};

struct programs {
	struct bpf_insn process[MAX_INSNS], kctx[MAX_INSNS];
	int nprocess, nkctx;
};

static const struct cordon_syscall *row_of(uint32_t nr)
{
	size_t i;

	for (i = 0; i < cordon_nsyscalls; i++)
		if (cordon_syscalls[i].nr == nr)
			return &cordon_syscalls[i];
	return NULL;
}

/* ---- what the table says, for the arguments run_all passes */

static uint32_t want_mpk(const struct cordon_syscall *s, const struct policy *p)
{
	return s && s->mpk && cordon_group_granted(s->group, p->groups) ? ALLOW : EPERM_;
}

static uint32_t want_process(const struct cordon_syscall *s, const struct policy *p)
{
	if (!s)
		return EPERM_;
	if (s->process == CORDON_PROC_ALWAYS)
		return ALLOW;
	if (!cordon_group_granted(s->group, p->groups))
		return EPERM_;
	if (s->process == CORDON_PROC_DENY)
		return SC_ERRNO | (uint32_t)s->process_errno;
	if (s->process == CORDON_PROC_PATH && !p->dir)
		return EPERM_;
	return ALLOW; /* prot 0, the host's pid, F_GETFD: each check passes */
}

static uint32_t want_uswitch(const struct cordon_syscall *s, const struct policy *p)
{
	if (!s || !cordon_group_granted(s->group, p->groups))
		return EPERM_;
	switch (s->uswitch) {
	case CORDON_KCTX_DENY:
		return SC_ERRNO | (uint32_t)s->uswitch_errno;
	case CORDON_KCTX_PATH:
		return p->dir ? ALLOW : EPERM_;
	case CORDON_KCTX_TRAP:
		return want_mpk(s, p);
	default:
		return ALLOW;
	}
}

/* ---- what the programs and vsys do */

static struct bpf_data data_for(uint32_t nr)
{
	struct bpf_data d = { .nr = nr, .arch = SC_ARCH_X86_64 };

	d.args[0] = SELF_PID; /* kill/tgkill/tkill: itself */
	d.args[1] = F_GETFD;  /* fcntl */
	d.args[2] = 0;        /* mmap/mprotect prot */
	return d;
}

static uint32_t got_mpk(const struct policy *p, uint32_t nr)
{
	return vsys_permits(p->groups, nr) ? ALLOW : EPERM_;
}

/* the kernel context's verdict; a trap is vsys's */
static uint32_t got_uswitch(const struct programs *g, const struct policy *p, uint32_t nr)
{
	struct bpf_data d = data_for(nr);
	uint32_t v = bpf_run(g->kctx, g->nkctx, &d, NULL);

	return v == SC_TRAP ? got_mpk(p, nr) : v;
}

static uint32_t got_process(const struct programs *g, uint32_t nr)
{
	struct bpf_data d = data_for(nr);

	return bpf_run(g->process, g->nprocess, &d, NULL);
}

static int build(struct programs *g, const struct policy *p)
{
	struct cordon_process_ctx ctx = { p->groups, p->dir, SELF_PID, tids, 2 };

	g->nprocess = cordon_process_filter(&ctx, g->process, MAX_INSNS);
	g->nkctx = gate_kctx_filter(p->groups, p->dir, (struct sock_filter *)g->kctx, MAX_INSNS);
	return check(g->nprocess > 0 && g->nkctx > 0, "%s: both programs built (%d, %d)",
		     p->name, g->nprocess, g->nkctx);
}

/* bit i of *differs: row i's backends differed under some policy */
static void check_policy(const struct policy *p, unsigned char *differs)
{
	static struct programs g;
	unsigned bad[3] = { 0, 0, 0 }, unexplained = 0;
	uint32_t nr, v[3], w[3];
	char first[3][96] = { "", "", "" }, loose[128] = "";
	int b;

	if (!build(&g, p))
		return;
	for (nr = 0; nr <= NR_LAST; nr++) {
		const struct cordon_syscall *s = row_of(nr);

		v[0] = got_process(&g, nr), w[0] = want_process(s, p);
		v[1] = got_mpk(p, nr), w[1] = want_mpk(s, p);
		v[2] = got_uswitch(&g, p, nr), w[2] = want_uswitch(s, p);
		for (b = 0; b < 3; b++)
			if (v[b] != w[b] && !bad[b]++)
				snprintf(first[b], sizeof(first[b]), "nr %u gives %#x, the table %#x",
					 nr, v[b], w[b]);
		if (!p->dir || (v[0] == v[1] && v[1] == v[2]))
			continue;
		if (s)
			differs[s - cordon_syscalls] = 1;
		if (!s || !*s->why)
			if (!unexplained++)
				snprintf(loose, sizeof(loose), "%s (nr %u): %#x %#x %#x",
					 s ? s->name : "?", nr, v[0], v[1], v[2]);
	}
	check(!bad[0], "%s: process filter as the table, 0..%d (%u differ: %s)", p->name,
	      NR_LAST, bad[0], first[0]);
	check(!bad[1], "%s: vsys dispatch as the table (%u differ: %s)", p->name, bad[1], first[1]);
	check(!bad[2], "%s: uswitch filter (+ vsys on trap) as the table (%u differ: %s)",
	      p->name, bad[2], first[2]);
	if (p->dir)
		check(!unexplained, "%s: process, mpk, uswitch agree wherever the table gives no "
		      "reason (%u do not: %s)", p->name, unexplained, loose);
}

static void policies(void)
{
	static const char *const names[] = {
#define CORDON_GROUP(id, bit, name, what) name,
#include "cordon/syscall_groups.def"
#undef CORDON_GROUP
	};
	unsigned char differs[128] = { 0 };
	struct policy p;
	size_t i, g, ngroups = sizeof(names) / sizeof(names[0]);
	int dir;

	for (dir = 1; dir >= 0; dir--) {
		for (g = 0; g <= ngroups + 1; g++) {
			p.dir = dir;
			p.groups = g < ngroups ? 1u << g : g == ngroups ? 0 : CORDON_SYS_ALL;
			snprintf(p.name, sizeof(p.name), "policy %s%s",
				 g < ngroups ? names[g] : g == ngroups ? "none" : "all",
				 dir ? "" : " (no data dir)");
			check_policy(&p, differs);
		}
	}
	/* a reason where nothing differs is a stale one */
	for (i = 0; i < cordon_nsyscalls; i++)
		if (*cordon_syscalls[i].why)
			check(differs[i], "table: %s's reason names a real difference",
			      cordon_syscalls[i].name);
}

/* ---- the table itself */

static void table(void)
{
	unsigned dup = 0, trap_without_vsys = 0, out = 0;
	size_t i, j;

	for (i = 0; i < cordon_nsyscalls; i++) {
		const struct cordon_syscall *s = &cordon_syscalls[i];

		out += s->nr > NR_LAST;
		trap_without_vsys += s->uswitch == CORDON_KCTX_TRAP && !s->mpk;
		for (j = 0; j < i; j++)
			dup += cordon_syscalls[j].nr == s->nr;
	}
	check(cordon_nsyscalls > 60 && !dup && !out, "table: %zu calls, each once, all <= %d",
	      cordon_nsyscalls, NR_LAST);
	check(!trap_without_vsys, "table: every call uswitch traps has a vsys handler (%u not)",
	      trap_without_vsys);
	check(cordon_group_bit("io", 2) == CORDON_SYS_IO &&
	      cordon_group_bit("signals", 7) == CORDON_SYS_SIGNALS &&
	      !cordon_group_bit("i", 1) && !cordon_group_bit("ioo", 3),
	      "table: group names to bits, exact names only");
}

/* ---- the argument checks, with other arguments than run_all's */

static uint32_t run_with(const struct bpf_insn *prog, int len, uint32_t nr, int arg, uint64_t v)
{
	struct bpf_data d = data_for(nr);

	d.args[arg] = v;
	return bpf_run(prog, len, &d, NULL);
}

static void arguments(void)
{
	static struct programs g;
	struct policy all = { CORDON_SYS_ALL, 1, "all" };
	struct bpf_data d = data_for(SYS_read);

	if (!build(&g, &all))
		return;
	check(run_with(g.process, g.nprocess, SYS_mmap, 2, PROT_READ | PROT_EXEC) == EPERM_ &&
	      run_with(g.process, g.nprocess, SYS_mprotect, 2, PROT_EXEC) == EPERM_,
	      "process: mmap/mprotect with PROT_EXEC: EPERM");
	check(run_with(g.process, g.nprocess, SYS_kill, 0, 1) == EPERM_ &&
	      run_with(g.process, g.nprocess, SYS_tgkill, 0, tids[0]) == EPERM_ &&
	      run_with(g.process, g.nprocess, SYS_tkill, 0, tids[1]) == ALLOW &&
	      run_with(g.process, g.nprocess, SYS_tkill, 0, 1) == EPERM_,
	      "process: kill/tgkill at itself only, tkill at its own threads only");
	check(run_with(g.process, g.nprocess, SYS_fcntl, 1, F_SETOWN) == EPERM_ &&
	      run_with(g.kctx, g.nkctx, SYS_fcntl, 1, F_SETOWN) == EPERM_ &&
	      run_with(g.process, g.nprocess, SYS_fcntl, 1, F_SETFL) == ALLOW &&
	      run_with(g.kctx, g.nkctx, SYS_fcntl, 1, F_SETFL) == ALLOW,
	      "fcntl: F_SETFL passes, F_SETOWN is EPERM (process and uswitch)");
	d.arch = 0x40000003u; /* AUDIT_ARCH_I386 */
	check(bpf_run(g.process, g.nprocess, &d, NULL) == SC_KILL_PROCESS &&
	      bpf_run(g.kctx, g.nkctx, &d, NULL) == EPERM_,
	      "another architecture: process killed, uswitch EPERM");
	d = data_for(SC_X32_BIT | SYS_read);
	check(bpf_run(g.process, g.nprocess, &d, NULL) == EPERM_ &&
	      bpf_run(g.kctx, g.nkctx, &d, NULL) == EPERM_, "x32 read: EPERM on both");
}

/* ---- the emitter */

/* a jump at 0 to `target`, nops (ja 0) between: bpf_end's answer */
static int jump_over(size_t target, int which)
{
	static struct bpf_insn insn[600];
	struct bpf b;
	size_t at, i;

	bpf_init(&b, insn, 600);
	at = bpf_put(&b, which == 2 ? BPF_JA_K : BPF_JEQ_K, 0);
	for (i = 1; i <= target; i++)
		bpf_put(&b, i == target ? BPF_RET_K : BPF_JA_K, 0);
	if (which == 0)
		bpf_jump_true(&b, at, target);
	else if (which == 1)
		bpf_jump_false(&b, at, target);
	else
		bpf_jump_always(&b, at, target);
	/* an out-of-reach jump is left 0, never cut to 8 bits */
	if (which < 2 && target > 256 && (insn[at].jt || insn[at].jf))
		return -1000;
	return bpf_end(&b);
}

static void emitter(void)
{
	struct bpf_insn small[4], insn[400];
	uint32_t many[300];
	struct bpf b;
	size_t i;

	check(jump_over(256, 0) == 257 && jump_over(256, 1) == 257,
	      "emitter: jt/jf of 255 (the most 8 bits hold) pass");
	check(jump_over(257, 0) == -ERANGE && jump_over(257, 1) == -ERANGE &&
	      jump_over(512, 0) == -ERANGE, "emitter: jt/jf of 256 or more: -ERANGE");
	check(jump_over(512, 2) == 513, "emitter: ja reaches past 255");
	bpf_init(&b, insn, 400);
	bpf_put(&b, BPF_RET_K, 0);
	bpf_put(&b, BPF_JEQ_K, 0);
	bpf_jump_true(&b, 1, 0);
	check(bpf_end(&b) == -ERANGE, "emitter: a backward jump: -ERANGE");
	for (i = 0; i < 300; i++)
		many[i] = (uint32_t)i;
	bpf_init(&b, insn, 400);
	bpf_allow_if_one_of(&b, 0, many, 300);
	check(bpf_end(&b) == -ERANGE, "emitter: one-of with 300 values (jumps of 300): -ERANGE");
	bpf_init(&b, small, 4);
	bpf_allow_if_one_of(&b, 0, many, 3);
	check(bpf_end(&b) == -E2BIG, "emitter: a program longer than its buffer: -E2BIG");
	check(gate_kctx_filter(CORDON_SYS_ALL, 1, (struct sock_filter *)small, 4) == -E2BIG,
	      "uswitch filter: a buffer too small gives -E2BIG");
}

void test_policy(void)
{
	suite("policy");
	table();
	policies();
	arguments();
	emitter();
}
