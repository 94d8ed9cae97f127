/*
 * The mpk backend's domains, as libcordon.so offers them to the JVM
 * (DESIGN.md section 4). A domain is one region of memory tagged with a
 * protection key of its own: the image, its heap, and one lane per thread
 * the policy allows (a stack, a thread block, an argument area). The
 * calling thread itself runs domain code, through the gate:
 *
 *   trusted side: PKRU 0, glibc's FS base, syscalls go straight to Linux;
 *   domain side:  PKRU opens the domain's key only (and reads of the
 *                 switch page), FS base = the lane's thread block, every
 *                 syscall trapped by Syscall User Dispatch and run by
 *                 Cordon against the domain's virtual context (vsys.h).
 *
 * Every function returns 0 or a negative errno and writes a one-line
 * reason into err where it has one; none prints, aborts or raises.
 */
#ifndef CORDON_MPKDOMAIN_H
#define CORDON_MPKDOMAIN_H

#include <stddef.h>
#include <stdint.h>

/* the syscall groups a policy may grant, CORDON_SYS_*: one table for all
 * backends (cordon/syscall_groups.def, cordon/syscalls.def) */
#include "cordon/syscall_policy.h"

struct cordon_mpk_domain;

/* create flags */
/* No keys and no WRPKRU: every other part of the gate (stack and FS switch,
 * syscall dispatch, fault containment) runs. ISOLATES NO MEMORY. For the
 * "software path" benchmark and for tests on machines without PKU; never a
 * backend. */
#define CORDON_MPK_SOFTWARE_ONLY (1u << 0)
/* The uswitch backend: the domain also gets its own kernel context (a
 * patched kernel, kernel/patches): an empty fd table, its data directory
 * as "/", no capabilities and a seccomp filter from `syscalls`. Its file
 * and time system calls go straight to the kernel in that context; its
 * memory, signal and process calls trap to the gate as for mpk. At most
 * 63 per process. */
#define CORDON_MPK_KERNEL_CONTEXT (1u << 1)
/* With CORDON_MPK_KERNEL_CONTEXT: the context's system calls run as
 * cfg->uid and cfg->gid, with no supplementary groups (the creator needs
 * CAP_SETUID and CAP_SETGID). Without a kernel context it is refused
 * (-EINVAL): an mpk domain's calls run on the caller's thread, whose
 * credentials are the process's. */
#define CORDON_MPK_OWN_IDS (1u << 2)

/* the largest uid or gid; (uid_t)-1 means "unchanged" to the kernel */
#define CORDON_MPK_ID_MAX 0xfffffffeLL

struct cordon_mpk_config {
	size_t heap_size;     /* the domain's malloc heap */
	size_t arena_size;    /* per lane: where the gate copies buffer arguments */
	size_t stack_size;    /* per lane: the domain stack */
	unsigned lanes;       /* threads that may be inside at once, 1..64 */
	int data_dir_fd;      /* O_PATH/O_DIRECTORY fd it may open files under, or -1 */
	unsigned syscalls;    /* CORDON_SYS_* granted */
	unsigned flags;       /* CORDON_MPK_* */
	/* with CORDON_MPK_OWN_IDS: 0..CORDON_MPK_ID_MAX; else 0 (a zeroed
	 * config keeps the creator's ids) */
	int64_t uid;
	int64_t gid;
};

/* 1 if mpk domains can run here (PKU, OSPKE, FSGSBASE, Syscall User
 * Dispatch); else 0 and why in `why`. */
int cordon_mpk_supported(char *why, size_t len);

/* 1 if uswitch domains (CORDON_MPK_KERNEL_CONTEXT) can run here: mpk, a
 * kernel with kernel contexts, and CAP_SYS_CHROOT; else 0 and why. */
int cordon_uswitch_supported(char *why, size_t len);

/* Map the region, load the image into it, tag it, run cordon_domain_init
 * inside the domain. */
int cordon_mpk_create(const void *image, size_t image_len,
		      const struct cordon_mpk_config *cfg,
		      struct cordon_mpk_domain **out, char *err, size_t errlen);

/* An exported function of the image, for cordon_mpk_call; NULL if none. */
void *cordon_mpk_symbol(const struct cordon_mpk_domain *d, const char *name);

/* 1 if the domain's image was verified at load (cordon_image_verified):
 * its control flow is confined; 0 for an unverified image. */
int cordon_mpk_verified(const struct cordon_mpk_domain *d);

/* Lane i's argument area (domain memory; cfg->arena_size bytes). */
void *cordon_mpk_arena(const struct cordon_mpk_domain *d, unsigned lane);

/*
 * Make the calling thread able to use domains: opens every key in its PKRU
 * (a thread created before the first key was allocated has them closed),
 * sets up its switch page, signal stack and Syscall User Dispatch. Cheap
 * once done; cordon_mpk_call does it too. Call it before touching a
 * domain's memory (its arenas) from a thread.
 */
int cordon_mpk_attach(void);

/* cordon_mpk_call's results */
#define CORDON_CALL_OK      0
#define CORDON_CALL_FAULT   1 /* the domain faulted: it is dead, see reason */
#define CORDON_CALL_TIMEOUT 2 /* past the deadline: it is dead */
#define CORDON_CALL_DEAD    3 /* it was dead (or killed) before or during the call */
#define CORDON_CALL_BUSY    4 /* lane in use by another thread, or no key free */

/*
 * Run fn(args[0..5]) inside the domain on lane `lane`, which the caller
 * owns for the duration. timeout_ns: how long the call may run (0: no
 * limit); then it is interrupted and the domain ended, never earlier
 * on CLOCK_MONOTONIC and a few ms later at most (the watchdog wakes every
 * ms and starts the deadline when it first sees the call). The function's
 * int64_t result goes to *result. Returns CORDON_CALL_*, or -errno for bad
 * arguments.
 */
int cordon_mpk_call(struct cordon_mpk_domain *d, unsigned lane, void *fn,
		    const int64_t args[6], int64_t *result, int64_t timeout_ns);

/* Why the domain died ("native fault: SIGSEGV (SEGV_PKUERR) at 0x..., key
 * 3, ip image+0x1234"); empty while it lives. */
void cordon_mpk_reason(const struct cordon_mpk_domain *d, char *buf, size_t len);

/* End it now: calls in flight are interrupted and return CORDON_CALL_DEAD. */
void cordon_mpk_kill(struct cordon_mpk_domain *d, const char *reason);

/* Kill, wait for calls in flight to leave, release everything. */
void cordon_mpk_destroy(struct cordon_mpk_domain *d);

/* How many destroyed domains' regions are kept for reuse by a new domain
 * of the same image and layout (a restart), scrubbed: 4 unless set, at
 * most 64; 0 keeps none and frees those kept. */
void cordon_mpk_warm_regions(unsigned max);

/* Bytes of the region, for the domains table. */
size_t cordon_mpk_memory(const struct cordon_mpk_domain *d);

#endif
