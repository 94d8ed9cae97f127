/*
 * The seccomp filter of a uswitch domain's kernel context: the system
 * calls its policy grants that are safe to run straight against the
 * context (its own fd table, its data directory as "/") are allowed; the
 * ones that touch what the whole process shares (memory, signals, the
 * thread itself) trap to vsys (SECCOMP_RET_TRAP), which confines them to
 * the domain's region as for mpk; everything else fails with EPERM.
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
#include <stddef.h>
#include <stdlib.h>
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

/* The three verdicts close the program: deny, allow, trap. */
#define V_DENY  0
#define V_ALLOW 1
#define V_TRAP  2
#define LEAF    3	/* at most this many compares in a leaf */

struct rule {
	unsigned nr, verdict;
};

struct builder {
	struct sock_filter *f;
	size_t n, max;
	struct rule r[128];
	size_t nr;
};

static void put(struct builder *b, struct sock_filter ins)
{
	if (b->n < b->max)
		b->f[b->n] = ins;
	b->n++;
}

static void add(struct builder *b, const short *nrs, size_t n, unsigned verdict)
{
	size_t i;

	for (i = 0; i < n; i++)
		b->r[b->nr++] = (struct rule){ (unsigned)nrs[i], verdict };
}

/* every table at once fits the builder's rules */
_Static_assert(N(io_fd) + N(io_path) + N(time_calls) + N(random_calls) + N(always) +
	       N(trapped) <= N(((struct builder *)0)->r), "rules");

static int by_nr(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	return (x->nr > y->nr) - (x->nr < y->nr);
}

/*
 * Rules r[lo, hi) sorted by number: a leaf of compares, each jumping to
 * its verdict, then a jump to deny; or a jge on the middle number, whose
 * left half falls through and whose right half follows it. Jumps to a
 * verdict hold the verdict for now (fixed up once the end is known, in
 * jt for jeq, in k for ja).
 */
static void tree(struct builder *b, size_t lo, size_t hi)
{
	size_t i, mid, at;

	if (hi - lo <= LEAF) {
		for (i = lo; i < hi; i++)
			put(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							    b->r[i].nr, b->r[i].verdict, 0));
		put(b, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, V_DENY));
		return;
	}
	mid = lo + (hi - lo) / 2;
	at = b->n;
	put(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, b->r[mid].nr, 0, 0));
	tree(b, lo, mid);
	if (at < b->max)
		b->f[at].jt = (unsigned char)(b->n - (at + 1));
	tree(b, mid, hi);
}

int gate_kctx_filter(unsigned groups, int has_dir, struct sock_filter *out, size_t max)
{
	struct builder b = { .f = out, .max = max };
	size_t i, end, first;

	if (groups & CORDON_SYS_IO) {
		add(&b, io_fd, N(io_fd), V_ALLOW);
		if (has_dir)
			add(&b, io_path, N(io_path), V_ALLOW);
	}
	if (groups & CORDON_SYS_TIME)
		add(&b, time_calls, N(time_calls), V_ALLOW);
	if (groups & CORDON_SYS_RANDOM)
		add(&b, random_calls, N(random_calls), V_ALLOW);
	add(&b, always, N(always), V_ALLOW);
	add(&b, trapped, N(trapped), V_TRAP);
	qsort(b.r, b.nr, sizeof(b.r[0]), by_nr);

	put(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, arch)));
	put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64,
					     1, 0));
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
	put(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	first = b.n;
	tree(&b, 0, b.nr);
	end = b.n;
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
	if (b.n > max || b.n > BPF_MAXINSNS)
		return -E2BIG;
	/* verdicts to distances (x32 numbers have bit 30 set and match
	 * nothing: denied) */
	for (i = first; i < end; i++) {
		if (out[i].code == (BPF_JMP | BPF_JEQ | BPF_K))
			out[i].jt = (unsigned char)(end + out[i].jt - (i + 1));
		else if (out[i].code == (BPF_JMP | BPF_JA))
			out[i].k = (unsigned)(end + out[i].k - (i + 1));
	}
	return (int)b.n;
}
