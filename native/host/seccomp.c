/*
 * The syscall allowlist, a classic BPF program installed with TSYNC so that
 * it covers the workers too. Anything not listed fails with EPERM; a foreign
 * architecture kills the process; x32 numbers fail with EPERM.
 *
 * Path syscalls pass only when Landlock confines them. Signals pass only
 * towards this process itself. mmap/mprotect pass only without PROT_EXEC:
 * no new code, ever, after the image is loaded.
 *
 * Constants: the seccomp and BPF uapi (linux/seccomp.h, linux/filter.h,
 * linux/audit.h), spelled out because musl-gcc sees no kernel headers.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "host.h"

struct bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

struct bpf_prog {
	unsigned short len;
	struct bpf_insn *filter;
};

#define BPF_LD_W_ABS  0x20 /* BPF_LD | BPF_W | BPF_ABS */
#define BPF_JEQ_K     0x15 /* BPF_JMP | BPF_JEQ | BPF_K */
#define BPF_JGE_K     0x35
#define BPF_JSET_K    0x45
#define BPF_RET_K     0x06

#define SECCOMP_SET_MODE_FILTER   1
#define SECCOMP_FILTER_FLAG_TSYNC 1
#define RET_KILL_PROCESS 0x80000000u
#define RET_ERRNO        0x00050000u
#define RET_ALLOW        0x7fff0000u
#define AUDIT_ARCH_X86_64 0xc000003eu
#define X32_SYSCALL_BIT   0x40000000u

/* struct seccomp_data: nr, arch, instruction_pointer, args[6] */
#define DATA_NR      0
#define DATA_ARCH    4
#define DATA_ARG(i)  (16 + 8 * (i)) /* low 32 bits, little-endian */

#define MAX_INSNS 512

/* Always allowed: what the host's own workers and fault path need (the
 * workers' clock reads fall back to a syscall where the vDSO cannot serve). */
static const uint32_t always[] = {
	SYS_futex, SYS_exit, SYS_exit_group, SYS_rt_sigreturn, SYS_clock_gettime,
	SYS_restart_syscall, SYS_gettid, SYS_getpid, SYS_getppid, SYS_sched_yield,
};

/* The groups a policy may withhold (--syscalls); all granted by default. */
static const uint32_t io[] = {
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64, SYS_pwrite64,
	SYS_preadv, SYS_pwritev, SYS_close, SYS_lseek, SYS_fstat,
	SYS_ftruncate, SYS_fsync, SYS_fdatasync,
};

static const uint32_t time_[] = {
	SYS_clock_getres, SYS_clock_nanosleep, SYS_nanosleep,
	SYS_gettimeofday, SYS_time,
};

static const uint32_t memory[] = { SYS_munmap, SYS_madvise, SYS_mremap };

static const uint32_t random_[] = { SYS_getrandom };

/* Allowed only under Landlock, which decides about the paths. */
static const uint32_t paths[] = {
	SYS_open, SYS_openat, SYS_newfstatat, SYS_stat, SYS_lstat, SYS_statx,
	SYS_access, SYS_faccessat, SYS_faccessat2, SYS_getdents64, SYS_mkdir,
	SYS_mkdirat, SYS_rmdir, SYS_unlink, SYS_unlinkat, SYS_rename,
	SYS_renameat, SYS_renameat2, SYS_truncate, SYS_getcwd,
};

struct filter {
	struct bpf_insn insn[MAX_INSNS];
	unsigned n;
};

static void emit(struct filter *f, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	/* sized for the worst case below; a bug here must not overflow */
	if (f->n == MAX_INSNS)
		_exit(1);
	f->insn[f->n].code = code;
	f->insn[f->n].jt = jt;
	f->insn[f->n].jf = jf;
	f->insn[f->n].k = k;
	f->n++;
}

/* if (nr == x) allow; A holds nr before and after */
static void allow(struct filter *f, uint32_t nr)
{
	emit(f, BPF_JEQ_K, 0, 1, nr);
	emit(f, BPF_RET_K, 0, 0, RET_ALLOW);
}

/* if (nr == x) { allow iff !(arg & bits) }: the block ends in returns */
static void allow_without_bits(struct filter *f, uint32_t nr, int arg, uint32_t bits)
{
	emit(f, BPF_JEQ_K, 0, 4, nr);
	emit(f, BPF_LD_W_ABS, 0, 0, DATA_ARG(arg));
	emit(f, BPF_JSET_K, 0, 1, bits);
	emit(f, BPF_RET_K, 0, 0, RET_ERRNO | EPERM);
	emit(f, BPF_RET_K, 0, 0, RET_ALLOW);
}

/* if (nr == x) { allow iff arg is one of v[0..k) } (pid_t: low 32 bits are
 * what the kernel uses) */
static void allow_if_one_of(struct filter *f, uint32_t nr, int arg,
			    const uint32_t *v, unsigned k)
{
	unsigned j;

	emit(f, BPF_JEQ_K, 0, (uint8_t)(k + 3), nr);
	emit(f, BPF_LD_W_ABS, 0, 0, DATA_ARG(arg));
	for (j = 0; j < k; j++)
		emit(f, BPF_JEQ_K, (uint8_t)(k - j), 0, v[j]);
	emit(f, BPF_RET_K, 0, 0, RET_ERRNO | EPERM);
	emit(f, BPF_RET_K, 0, 0, RET_ALLOW);
}

static void allow_all(struct filter *f, const uint32_t *nr, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		allow(f, nr[i]);
}

static void build(struct filter *f, const struct host *h)
{
	uint32_t self[1 + CORDON_MAX_SLOTS];
	uint32_t g = h->opts.syscall_groups;
	unsigned i, nself = 0;

	f->n = 0;
	emit(f, BPF_LD_W_ABS, 0, 0, DATA_ARCH);
	emit(f, BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64);
	emit(f, BPF_RET_K, 0, 0, RET_KILL_PROCESS);
	emit(f, BPF_LD_W_ABS, 0, 0, DATA_NR);
	emit(f, BPF_JGE_K, 0, 1, X32_SYSCALL_BIT);
	emit(f, BPF_RET_K, 0, 0, RET_ERRNO | EPERM);

	allow_all(f, always, sizeof(always) / sizeof(always[0]));
	if (g & HOST_SYSCALLS_IO)
		allow_all(f, io, sizeof(io) / sizeof(io[0]));
	if (g & HOST_SYSCALLS_TIME)
		allow_all(f, time_, sizeof(time_) / sizeof(time_[0]));
	if (g & HOST_SYSCALLS_RANDOM)
		allow_all(f, random_, sizeof(random_) / sizeof(random_[0]));
	if (h->landlocked)
		allow_all(f, paths, sizeof(paths) / sizeof(paths[0]));
	if (g & HOST_SYSCALLS_MEMORY) {
		allow_all(f, memory, sizeof(memory) / sizeof(memory[0]));
		allow_without_bits(f, SYS_mmap, 2, PROT_EXEC);
		allow_without_bits(f, SYS_mprotect, 2, PROT_EXEC);
	}
	if (!(g & HOST_SYSCALLS_SIGNALS)) {
		emit(f, BPF_RET_K, 0, 0, RET_ERRNO | EPERM);
		return;
	}
	allow(f, SYS_rt_sigprocmask);

	/* signals: only to this process (kill, tgkill) or one of its own
	 * threads (tkill takes a bare thread id) */
	self[nself++] = (uint32_t)h->pid;
	for (i = 0; i < h->nslots; i++)
		self[nself++] = (uint32_t)h->tids[i];
	allow_if_one_of(f, SYS_kill, 0, self, 1);
	allow_if_one_of(f, SYS_tgkill, 0, self, 1);
	allow_if_one_of(f, SYS_tkill, 0, self, nself);

	emit(f, BPF_RET_K, 0, 0, RET_ERRNO | EPERM);
}

void host_seccomp(struct host *h)
{
	static struct filter f;
	struct bpf_prog prog;
	long rc;

	build(&f, h);
	prog.len = (unsigned short)f.n;
	prog.filter = f.insn;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (rc < 0)
		host_fail(h, "seccomp: %s", strerror(errno));
	if (rc > 0)
		host_fail(h, "seccomp: thread %ld could not be synchronised", rc);
}
