/*
 * A domain's virtual system context (mpk backend): what a system call made
 * by domain code, trapped by Syscall User Dispatch, is allowed to do, and
 * the doing of it. Plain C with no signal-handler or PKRU knowledge: the
 * SIGSYS handler (gate side) restores trusted state, then hands the call
 * here; tests call it directly.
 *
 * Every call is run on the domain's behalf by trusted code, so every
 * pointer argument is checked to lie inside the domain's region before it
 * is read or written, every fd is the domain's own number, and every path
 * stays inside its data directory. Anything the policy table
 * (cordon/syscalls.def) does not give a handler fails with -EPERM.
 *
 * vsys_dispatch is async-signal-safe: raw syscalls only (it never touches
 * errno or TLS, so it works whatever the FS base is), no allocation, and a
 * spinlock (v->lock) held only across table and bitmap updates. It reads
 * and writes domain memory only through the kernel (process_vm_readv and
 * process_vm_writev on this process, or the real syscall itself), so a
 * hostile pointer into an unmapped or read-only part of the region gives
 * -EFAULT, never a fault in trusted code. It needs about 10 KiB of stack
 * (two 4 KiB path copies for rename): give the SIGSYS stack 32 KiB or more.
 */
#ifndef CORDON_MPK_VSYS_H
#define CORDON_MPK_VSYS_H

#include <stddef.h>
#include <stdint.h>

#define VSYS_MAX_FDS 64

/* fds[n] values besides a real fd */
#define VSYS_FD_FREE     (-1)
#define VSYS_FD_RESERVED (-2) /* an open or dup into it is under way */

/* fd_state[n] bits */
#define VSYS_FD_CLOSING  0x1 /* closed by the domain, still in use by a call */
#define VSYS_FD_CLOEXEC  0x2 /* the domain's FD_CLOEXEC (real fds always have it) */

/* what getpid() and gettid() say inside a domain */
#define VSYS_PID 1

/* What vsys_dispatch tells the gate beyond a return value. */
enum vsys_outcome {
	VSYS_RETURN = 0, /* put the result in rax and resume the domain */
	VSYS_END_CALL,   /* the domain asked to end (exit, abort, raise):
			  * abort the call, kill the domain; see `why` */
};

struct vsys {
	/* the domain's memory: pointers must lie inside it. Everything in
	 * it must be memory the domain may read and write (the kernel,
	 * acting for it, writes with every key open) */
	uintptr_t region_base;
	size_t region_size;
	/* where anonymous mmap is served from, a part of the region
	 * (page-aligned); a bitmap of its pages in use */
	uintptr_t pool_base;
	size_t pool_pages;
	uint64_t *pool_used; /* pool_pages bits, trusted memory */
	/* the key its memory carries now; -1: no keys (software only) */
	int key;
	unsigned groups;      /* CORDON_SYS_* */
	int data_dir_fd;      /* real fd, or -1; the caller's, never closed here */
	int fds[VSYS_MAX_FDS]; /* domain fd n -> real fd, or VSYS_FD_* */
	/* calls using fds[n] now: a close waits for them (the real fd is
	 * closed by the last one), so a real fd number is never reused under
	 * a call in flight */
	uint16_t fd_refs[VSYS_MAX_FDS];
	uint8_t fd_state[VSYS_MAX_FDS]; /* VSYS_FD_* bits */
	/* protects fds[], fd_refs[], fd_state[] and the pool bitmap: several
	 * lanes may call at once */
	int lock;
	/* system calls dispatched so far (tests, statistics) */
	unsigned long dispatched;
};

/*
 * Set up with no fds open and the whole pool free. The pool must be as a
 * new reservation leaves it: PROT_NONE and never touched, so that every page
 * mmap hands out reads zeroes (vsys_pool_reset makes it so). Returns 0, or
 * -EINVAL when the pool is not page-aligned inside the region.
 */
int vsys_init(struct vsys *v, uintptr_t region_base, size_t region_size,
	      uintptr_t pool_base, size_t pool_pages, uint64_t *pool_used,
	      int key, unsigned groups, int data_dir_fd);

/* Every pool page free again: discarded, PROT_NONE (keeping the key).
 * 0 or the mprotect's -errno. */
int vsys_pool_reset(struct vsys *v);

/* Close every real fd the domain holds (no call may be in flight). */
void vsys_release(struct vsys *v);

/*
 * Run syscall `nr` with args[0..5] for the domain. Returns what the
 * domain sees in rax (a result or -errno) and sets *outcome; on
 * VSYS_END_CALL, `why` (len bytes, NUL-terminated) says why: "exit(3)",
 * "raise(SIGABRT)".
 */
long vsys_dispatch(struct vsys *v, long nr, const long args[6],
		   enum vsys_outcome *outcome, char *why, size_t len);

/* Would vsys_dispatch run `nr` under `groups` (1), or refuse it with
 * -EPERM before any handler (0)? The policy decision alone. */
int vsys_permits(unsigned groups, long nr);

#endif
