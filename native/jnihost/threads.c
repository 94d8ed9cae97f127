/*
 * The one widening of cordon-host's filter that cordon-jni-host makes:
 * threads, so that a library can call pthread_create (zstd's workers). It
 * runs in front of the policy's program:
 *
 *   clone with CLONE_THREAD  allowed: a thread of this process, which
 *                            inherits the filter and Landlock (the kernel
 *                            refuses CLONE_THREAD without CLONE_VM and
 *                            CLONE_SIGHAND, and with any new namespace)
 *   clone3                   ENOSYS: its flags are in memory, where the filter
 *                            cannot read them; glibc then falls back to clone
 *   anything else            on to the policy's program (a clone without
 *                            CLONE_THREAD, a fork, gets its EPERM)
 */
#include <errno.h>
#include <sys/syscall.h>

#include "host/host.h"
#include "jnihost/threads.h"
#include "policy/bpf.h"

#define CLONE_THREAD_FLAG 0x00010000u

static struct bpf_insn prefix[16];

void jh_allow_threads(struct host *h)
{
	struct bpf b;
	size_t arch, clone, thread, clone3, kill;
	int n;

	bpf_init(&b, prefix, sizeof(prefix) / sizeof(prefix[0]));
	bpf_put(&b, BPF_LD_W_ABS, SECCOMP_DATA_ARCH);
	arch = bpf_put(&b, BPF_JEQ_K, SC_ARCH_X86_64);
	bpf_put(&b, BPF_LD_W_ABS, SECCOMP_DATA_NR);
	clone = bpf_put(&b, BPF_JEQ_K, SYS_clone);
	bpf_put(&b, BPF_LD_W_ABS, SECCOMP_DATA_ARG(0));
	thread = bpf_put(&b, BPF_JSET_K, CLONE_THREAD_FLAG);
	bpf_jump_true(&b, thread, bpf_ret(&b, SC_ALLOW));
	bpf_jump_false(&b, clone, b.n);
	clone3 = bpf_put(&b, BPF_JEQ_K, SYS_clone3);
	bpf_jump_true(&b, clone3, bpf_ret(&b, SC_ERRNO | ENOSYS));
	kill = bpf_ret(&b, SC_KILL_PROCESS);
	bpf_jump_true(&b, arch, arch + 1);
	bpf_jump_false(&b, arch, kill);
	/* the policy's program starts right after: a plain clone, and every
	 * other call, goes on there */
	bpf_jump_false(&b, thread, b.n);
	bpf_jump_false(&b, clone3, b.n);
	n = bpf_end(&b);
	if (n < 0)
		host_fail(h, "seccomp: the threads prefix could not be built (%d)", n);
	h->filter_prefix = prefix;
	h->filter_prefix_len = (unsigned)n;
}
