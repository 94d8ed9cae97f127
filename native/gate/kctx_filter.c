/*
 * The seccomp filter of a uswitch domain's kernel context, made from the
 * policy table's uswitch column (cordon/syscalls.def): the system calls
 * its policy grants that are safe to run straight against the context (its
 * own fd table, its data directory as "/") are allowed; the ones that touch
 * what the whole process shares (memory, signals, the thread itself) trap
 * to vsys (SECCOMP_RET_TRAP), which confines them to the domain's region as
 * for mpk; everything else fails with EPERM (or the table's errno).
 * rt_sigreturn, arch_prctl, prctl, sigaltstack and the like are never
 * allowed: each would let domain code change state the gate trusts.
 *
 * The program is a binary search over the granted numbers, not a list of
 * compares: the kernel runs it for every system call number when it is
 * attached (to fill its action cache): for the largest policy, a list of
 * 70 compares cost about 695,000 instructions per domain created, this
 * search about 229,000 (in the VM, under QEMU's -icount).
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/filter.h>

#include "kctx.h"
#include "policy/policy.h"

_Static_assert(sizeof(struct sock_filter) == sizeof(struct bpf_insn), "sock_filter");

/* Where a rule's compare jumps: the three shared returns, then blocks of
 * their own (another errno, fcntl's command check), one per rule. */
enum { TO_DENY, TO_ALLOW, TO_TRAP, TO_OWN };
#define LEAF 3 /* at most this many compares in a leaf */
#define MAX_RULES 128

struct rule {
	const struct cordon_syscall *s;
	unsigned to;
};

struct builder {
	struct bpf b;
	struct rule r[MAX_RULES];
	size_t nr, nown;
	/* each compare of the tree and the rule it stands for */
	size_t at[MAX_RULES];
	unsigned rule_of[MAX_RULES];
	size_t nat;
	size_t deny_jumps[MAX_RULES]; /* the leaves' ja to deny */
	size_t ndeny;
};

/* the row's target under the policy, or -1: denied with EPERM */
static int target(const struct cordon_syscall *s, unsigned groups, int has_dir)
{
	if (!cordon_group_granted(s->group, groups))
		return -1;
	switch (s->uswitch) {
	case CORDON_KCTX_ALLOW:
		return TO_ALLOW;
	case CORDON_KCTX_PATH:
		return has_dir ? TO_ALLOW : -1;
	case CORDON_KCTX_TRAP:
		return TO_TRAP;
	case CORDON_KCTX_FCNTL:
		return TO_OWN;
	default:
		return s->uswitch_errno != EPERM ? TO_OWN : -1;
	}
}

static int by_nr(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	return (x->s->nr > y->s->nr) - (x->s->nr < y->s->nr);
}

/* the rules of the policy, sorted by number; each TO_OWN its own block */
static int collect(struct builder *k, unsigned groups, int has_dir)
{
	size_t i;
	int to;

	for (i = 0; i < cordon_nsyscalls; i++) {
		to = target(&cordon_syscalls[i], groups, has_dir);
		if (to < 0)
			continue;
		if (k->nr == MAX_RULES)
			return -E2BIG;
		k->r[k->nr++] = (struct rule){ &cordon_syscalls[i],
					      to == TO_OWN ? TO_OWN + (unsigned)k->nown++ : (unsigned)to };
	}
	qsort(k->r, k->nr, sizeof(k->r[0]), by_nr);
	return 0;
}

/*
 * Rules r[lo, hi) sorted by number: a leaf of compares, each jumping to
 * its target, then a jump to deny; or a jge on the middle number, whose
 * left half falls through and whose right half follows it. The targets
 * come after the tree, so those jumps are set once it is done.
 */
static void tree(struct builder *k, size_t lo, size_t hi)
{
	size_t i, mid, at;

	if (hi - lo <= LEAF) {
		for (i = lo; i < hi; i++) {
			k->at[k->nat] = bpf_put(&k->b, BPF_JEQ_K, k->r[i].s->nr);
			k->rule_of[k->nat++] = (unsigned)i;
		}
		k->deny_jumps[k->ndeny++] = bpf_put(&k->b, BPF_JA_K, 0);
		return;
	}
	mid = lo + (hi - lo) / 2;
	at = bpf_put(&k->b, BPF_JGE_K, k->r[mid].s->nr);
	tree(k, lo, mid);
	bpf_jump_true(&k->b, at, k->b.n);
	tree(k, mid, hi);
}

/* a rule's own block: its errno, or fcntl's commands */
static void own_block(struct builder *k, const struct cordon_syscall *s)
{
	if (s->uswitch == CORDON_KCTX_FCNTL)
		bpf_allow_if_one_of(&k->b, 1, cordon_fcntl_cmds, cordon_nfcntl_cmds);
	else
		bpf_ret(&k->b, SC_ERRNO | (uint32_t)s->uswitch_errno);
}

int gate_kctx_filter(unsigned groups, int has_dir, struct sock_filter *out, size_t max)
{
	static const uint32_t shared[] = { SC_ERRNO | EPERM, SC_ALLOW, SC_TRAP };
	struct builder k = { .nr = 0 };
	size_t start[TO_OWN + MAX_RULES], i, test;
	int rc;

	rc = collect(&k, groups, has_dir);
	if (rc)
		return rc;
	bpf_init(&k.b, (struct bpf_insn *)out, max);
	bpf_put(&k.b, BPF_LD_W_ABS, SECCOMP_DATA_ARCH);
	test = bpf_put(&k.b, BPF_JEQ_K, SC_ARCH_X86_64);
	bpf_ret(&k.b, SC_ERRNO | EPERM);
	bpf_jump_true(&k.b, test, k.b.n);
	bpf_put(&k.b, BPF_LD_W_ABS, SECCOMP_DATA_NR);
	/* x32 numbers have bit 30 set and match nothing: denied */
	tree(&k, 0, k.nr);
	for (i = 0; i < TO_OWN; i++)
		start[i] = bpf_ret(&k.b, shared[i]);
	for (i = 0; i < k.nr; i++) {
		if (k.r[i].to < TO_OWN)
			continue;
		start[k.r[i].to] = k.b.n;
		own_block(&k, k.r[i].s);
	}
	for (i = 0; i < k.nat; i++)
		bpf_jump_true(&k.b, k.at[i], start[k.r[k.rule_of[i]].to]);
	for (i = 0; i < k.ndeny; i++)
		bpf_jump_always(&k.b, k.deny_jumps[i], start[TO_DENY]);
	return bpf_end(&k.b);
}
