/* The classic-BPF interpreter of the filter tests: see bpf_run.h. */
#include "bpf_run.h"

static int load(const struct bpf_data *d, uint32_t k, uint32_t *a, struct bpf_steps *st)
{
	if (k == SECCOMP_DATA_NR)
		*a = d->nr;
	else if (k == SECCOMP_DATA_ARCH)
		*a = d->arch;
	else if (k >= SECCOMP_DATA_ARG(0) && k < SECCOMP_DATA_ARG(6) && !((k - 16) % 4)) {
		uint64_t v = d->args[(k - 16) / 8];

		*a = (k - 16) % 8 ? (uint32_t)(v >> 32) : (uint32_t)v;
		st->arg_loads++;
	} else
		return -1;
	return 0;
}

uint32_t bpf_run(const struct bpf_insn *prog, int len, const struct bpf_data *d,
		 struct bpf_steps *out)
{
	struct bpf_steps st = { 0, 0 };
	uint32_t a = 0, verdict = BPF_RUN_BAD;
	int pc = 0;

	while (pc >= 0 && pc < len && st.steps < 4 * BPF_MAX_LEN) {
		const struct bpf_insn *i = &prog[pc++];

		st.steps++;
		if (i->code == BPF_LD_W_ABS) {
			if (load(d, i->k, &a, &st))
				break;
		} else if (i->code == BPF_JEQ_K) {
			pc += a == i->k ? i->jt : i->jf;
		} else if (i->code == BPF_JGE_K) {
			pc += a >= i->k ? i->jt : i->jf;
		} else if (i->code == BPF_JSET_K) {
			pc += a & i->k ? i->jt : i->jf;
		} else if (i->code == BPF_JA_K) {
			pc += (int)i->k;
		} else if (i->code == BPF_RET_K) {
			verdict = i->k;
			break;
		} else {
			break;
		}
	}
	if (out)
		*out = st;
	return verdict;
}
