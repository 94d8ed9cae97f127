/*
 * cordon-host's seccomp program, made from the policy table: a list of
 * compares, one block per call the policy grants (most allow outright;
 * mmap/mprotect look at prot, kill/tkill/tgkill at the target, fcntl at
 * the command), then EPERM.
 */
#include <errno.h>
#include <sys/mman.h>

#include "cordon/channel.h"
#include "policy/policy.h"

/* Does the row pass the policy at all (before its argument checks)? */
static int granted(const struct cordon_process_ctx *ctx, const struct cordon_syscall *s)
{
	if (s->process == CORDON_PROC_ALWAYS)
		return 1;
	if (s->process == CORDON_PROC_DENY || !cordon_group_granted(s->group, ctx->groups))
		return 0;
	return s->process != CORDON_PROC_PATH || ctx->landlocked;
}

/* what a granted row does once nr matched; the block ends in returns */
static void block(struct bpf *b, const struct cordon_syscall *s, const uint32_t *self,
		  unsigned nself)
{
	switch (s->process) {
	case CORDON_PROC_NOEXEC:
		bpf_allow_without_bits(b, 2, PROT_EXEC);
		break;
	case CORDON_PROC_SELF:
		bpf_allow_if_one_of(b, 0, self, 1);
		break;
	case CORDON_PROC_SELF_THREAD:
		bpf_allow_if_one_of(b, 0, self, nself);
		break;
	case CORDON_PROC_FCNTL:
		bpf_allow_if_one_of(b, 1, cordon_fcntl_cmds, cordon_nfcntl_cmds);
		break;
	default:
		bpf_ret(b, SC_ALLOW);
	}
}

/* a DENY row with its own errno: if (nr == x) return errno */
static void deny(struct bpf *b, const struct cordon_syscall *s)
{
	size_t test = bpf_put(b, BPF_JEQ_K, s->nr);

	bpf_ret(b, SC_ERRNO | (uint32_t)s->process_errno);
	bpf_jump_false(b, test, b->n);
}

int cordon_process_filter(const struct cordon_process_ctx *ctx, struct bpf_insn *out,
			  size_t max)
{
	uint32_t self[1 + CORDON_MAX_SLOTS]; /* the host's pid, then its threads */
	unsigned i, nself = 0;
	struct bpf b;
	size_t r, test, x32;

	if (ctx->ntids >= sizeof(self) / sizeof(self[0]))
		return -E2BIG;
	self[nself++] = ctx->pid;
	for (i = 0; i < ctx->ntids; i++)
		self[nself++] = ctx->tids[i];

	bpf_init(&b, out, max);
	bpf_put(&b, BPF_LD_W_ABS, SECCOMP_DATA_ARCH);
	test = bpf_put(&b, BPF_JEQ_K, SC_ARCH_X86_64);
	bpf_ret(&b, SC_KILL_PROCESS);
	bpf_jump_true(&b, test, b.n);
	bpf_put(&b, BPF_LD_W_ABS, SECCOMP_DATA_NR);
	x32 = bpf_put(&b, BPF_JGE_K, SC_X32_BIT);
	bpf_jump_false(&b, x32, bpf_ret(&b, SC_ERRNO | EPERM) + 1);
	for (r = 0; r < cordon_nsyscalls; r++) {
		const struct cordon_syscall *s = &cordon_syscalls[r];

		if (s->process == CORDON_PROC_DENY && s->process_errno != EPERM &&
		    cordon_group_granted(s->group, ctx->groups)) {
			deny(&b, s);
		} else if (granted(ctx, s)) {
			test = bpf_put(&b, BPF_JEQ_K, s->nr);
			block(&b, s, self, nself);
			bpf_jump_false(&b, test, b.n);
		}
	}
	bpf_ret(&b, SC_ERRNO | EPERM);
	return bpf_end(&b);
}
