/*
 * The syscall filter, installed with TSYNC so that it covers the workers
 * too. The program is made from the policy table (cordon/syscalls.def,
 * policy/process_filter.c): a foreign architecture kills the process, x32
 * numbers and anything not granted fail with EPERM. Path syscalls pass only
 * when Landlock confines them; signals only towards this process itself;
 * mmap/mprotect only without PROT_EXEC: no new code, ever, after the image
 * is loaded. cordon-jni-host puts its one widening in front
 * (h->filter_prefix: threads, jnihost/threads.c).
 *
 * Constants: the seccomp uapi, spelled out because musl-gcc sees no kernel
 * headers.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "host.h"
#include "policy/policy.h"

#define SECCOMP_SET_MODE_FILTER   1
#define SECCOMP_FILTER_FLAG_TSYNC 1
#define MAX_INSNS 512

struct bpf_prog {
	unsigned short len;
	struct bpf_insn *filter;
};

void host_seccomp(struct host *h)
{
	static struct bpf_insn insn[MAX_INSNS];
	uint32_t tids[CORDON_MAX_SLOTS];
	struct cordon_process_ctx ctx = {
		.groups = h->opts.syscall_groups,
		.landlocked = h->landlocked,
		.pid = (uint32_t)h->pid,
		.tids = tids,
		.ntids = h->nslots,
	};
	struct bpf_prog prog;
	unsigned i;
	long rc;
	int n;

	for (i = 0; i < h->nslots; i++)
		tids[i] = (uint32_t)h->tids[i];
	if (h->filter_prefix_len > MAX_INSNS / 4)
		host_fail(h, "seccomp: the filter's prefix is too long");
	memcpy(insn, h->filter_prefix, h->filter_prefix_len * sizeof(insn[0]));
	n = cordon_process_filter(&ctx, insn + h->filter_prefix_len, MAX_INSNS - h->filter_prefix_len);
	if (n < 0)
		host_fail(h, "seccomp: the filter could not be built: %s", strerror(-n));
	prog.len = (unsigned short)(n + (int)h->filter_prefix_len);
	prog.filter = insn;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (rc < 0)
		host_fail(h, "seccomp: %s", strerror(errno));
	if (rc > 0)
		host_fail(h, "seccomp: thread %ld could not be synchronised", rc);
}
