/*
 * The seccomp filter of a uswitch domain's kernel context: the system
 * calls its policy grants that are safe to run straight against the
 * context (its own fd table, its data directory as "/") are allowed; the
 * ones that touch what the whole process shares (memory, signals, the
 * thread itself) trap to vsys (SECCOMP_RET_TRAP), which confines them to
 * the domain's region as for mpk; everything else fails with EPERM.
 * rt_sigreturn, arch_prctl, prctl, sigaltstack and the like are never
 * allowed: each would let domain code change state the gate trusts.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "kctx.h"

/* on fds of the domain's own table */
static const short io_fd[] = {
	SYS_read, SYS_write, SYS_pread64, SYS_pwrite64, SYS_readv, SYS_writev,
	SYS_preadv, SYS_pwritev, SYS_close, SYS_lseek, SYS_fstat, SYS_ftruncate,
	SYS_fsync, SYS_fdatasync, SYS_getdents64, SYS_fcntl, SYS_dup, SYS_dup2,
	SYS_dup3,
};

/* on paths: only with a data directory, the context's "/" */
static const short io_path[] = {
	SYS_open, SYS_openat, SYS_stat, SYS_lstat, SYS_newfstatat, SYS_statx,
	SYS_access, SYS_faccessat, SYS_faccessat2, SYS_mkdir, SYS_mkdirat,
	SYS_rmdir, SYS_unlink, SYS_unlinkat, SYS_rename, SYS_renameat,
	SYS_renameat2, SYS_getcwd,
};

static const short time_calls[] = {
	SYS_clock_gettime, SYS_clock_getres, SYS_clock_nanosleep, SYS_nanosleep,
	SYS_gettimeofday, SYS_time,
};

static const short random_calls[] = { SYS_getrandom };

/* a blocking call interrupted by a signal may come back as this one */
static const short always[] = { SYS_sched_yield, SYS_restart_syscall };

/* vsys decides these (it checks the policy's groups itself) */
static const short trapped[] = {
	SYS_mmap, SYS_munmap, SYS_mprotect, SYS_madvise, SYS_mremap, SYS_brk,
	SYS_kill, SYS_tkill, SYS_tgkill, SYS_rt_sigprocmask, SYS_rt_sigaction,
	SYS_getpid, SYS_gettid, SYS_getppid, SYS_exit, SYS_exit_group, SYS_futex,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct builder {
	struct sock_filter *f;
	size_t n, max;
};

static void put(struct builder *b, struct sock_filter ins)
{
	if (b->n < b->max)
		b->f[b->n] = ins;
	b->n++;
}

/* jeq nr: jump to the verdict at the end (fixed up once the count is known) */
static void match(struct builder *b, const short *nrs, size_t n, unsigned verdict)
{
	size_t i;

	for (i = 0; i < n; i++)
		put(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    (unsigned)nrs[i], verdict, 0));
}

/* The three verdicts close the program: deny, allow, trap. */
#define V_DENY  0
#define V_ALLOW 1
#define V_TRAP  2

int gate_kctx_filter(unsigned groups, int has_dir, struct sock_filter *out, size_t max)
{
	struct builder b = { out, 0, max };
	size_t i, end;

	put(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, arch)));
	put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64,
					     1, 0));
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
	put(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	if (groups & CORDON_SYS_IO) {
		match(&b, io_fd, N(io_fd), V_ALLOW);
		if (has_dir)
			match(&b, io_path, N(io_path), V_ALLOW);
	}
	if (groups & CORDON_SYS_TIME)
		match(&b, time_calls, N(time_calls), V_ALLOW);
	if (groups & CORDON_SYS_RANDOM)
		match(&b, random_calls, N(random_calls), V_ALLOW);
	match(&b, always, N(always), V_ALLOW);
	match(&b, trapped, N(trapped), V_TRAP);
	end = b.n;
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
	if (b.n > max || b.n > BPF_MAXINSNS)
		return -E2BIG;
	/* each jeq's jt said which verdict: make it the distance to it
	 * (x32 numbers have bit 30 set and match nothing: denied) */
	for (i = 4; i < end; i++)
		out[i].jt = (unsigned char)(end + out[i].jt - (i + 1));
	return (int)b.n;
}
