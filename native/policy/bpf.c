/* The classic-BPF emitter: see bpf.h. */
#include <errno.h>

#include "policy/bpf.h"

void bpf_init(struct bpf *b, struct bpf_insn *insn, size_t max)
{
	b->insn = insn;
	b->n = 0;
	b->max = max;
	b->err = 0;
}

static void fail(struct bpf *b, int err)
{
	if (!b->err)
		b->err = err;
}

size_t bpf_put(struct bpf *b, uint16_t code, uint32_t k)
{
	if (b->n < b->max)
		b->insn[b->n] = (struct bpf_insn){ code, 0, 0, k };
	else
		fail(b, -E2BIG);
	return b->n++;
}

/* the distance from the jump at `at` to `target`, or -1 (and the error) */
static long distance(struct bpf *b, size_t at, size_t target, size_t most)
{
	if (target <= at || target - (at + 1) > most) {
		fail(b, -ERANGE);
		return -1;
	}
	return at < b->max ? (long)(target - (at + 1)) : -1;
}

void bpf_jump_true(struct bpf *b, size_t at, size_t target)
{
	long d = distance(b, at, target, BPF_JUMP_MAX);

	if (d >= 0)
		b->insn[at].jt = (uint8_t)d;
}

void bpf_jump_false(struct bpf *b, size_t at, size_t target)
{
	long d = distance(b, at, target, BPF_JUMP_MAX);

	if (d >= 0)
		b->insn[at].jf = (uint8_t)d;
}

void bpf_jump_always(struct bpf *b, size_t at, size_t target)
{
	long d = distance(b, at, target, BPF_MAX_LEN);

	if (d >= 0)
		b->insn[at].k = (uint32_t)d;
}

int bpf_end(const struct bpf *b)
{
	if (b->err)
		return b->err;
	if (b->n > b->max || b->n > BPF_MAX_LEN)
		return -E2BIG;
	return (int)b->n;
}

size_t bpf_ret(struct bpf *b, uint32_t verdict)
{
	return bpf_put(b, BPF_RET_K, verdict);
}

void bpf_allow_without_bits(struct bpf *b, int arg, uint32_t bits)
{
	size_t test;

	bpf_put(b, BPF_LD_W_ABS, SECCOMP_DATA_ARG(arg));
	test = bpf_put(b, BPF_JSET_K, bits);
	bpf_ret(b, SC_ERRNO | EPERM);
	bpf_jump_false(b, test, bpf_ret(b, SC_ALLOW));
}

void bpf_allow_if_one_of(struct bpf *b, int arg, const uint32_t *v, size_t k)
{
	size_t first, j, allow;

	bpf_put(b, BPF_LD_W_ABS, SECCOMP_DATA_ARG(arg));
	first = b->n;
	for (j = 0; j < k; j++)
		bpf_put(b, BPF_JEQ_K, v[j]);
	bpf_ret(b, SC_ERRNO | EPERM);
	allow = bpf_ret(b, SC_ALLOW);
	for (j = 0; j < k; j++)
		bpf_jump_true(b, first + j, allow);
}
