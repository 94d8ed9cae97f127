/*
 * The mpk backend's gate: internal layout shared by the C files and the
 * assembly of gate/ (mpkdomain.h is the public side).
 *
 * Every thread that attaches gets one block of the trusted arena, a single
 * PROT_NONE reservation made once, so that a signal handler can find its
 * thread's block from its stack pointer alone:
 *
 *   +0x00000  switch page   tagged with the switch key: domains read it,
 *                           never write it. %gs points here.
 *   +0x01000  guard
 *   +0x02000  trusted record (key 0): saved host state, the call in flight,
 *                           the domain's FPU state while a handler runs
 *   +0x05000  guard
 *   +0x06000  signal stack (key 0, 256 KiB)
 *   +0x46000  guard up to the next block
 *
 * A lane's thread block (domain memory, one page) is musl's struct pthread
 * prefix as musl 1.2.3 lays it out on x86-64, then the gate's own use of
 * the rest of the page: the interrupted domain registers while a signal is
 * handled, and a small stack for the last steps of resuming the domain.
 */
#ifndef CORDON_GATE_H
#define CORDON_GATE_H

#define GATE_PAGE        0x1000
#define GATE_MAX_THREADS 1024
#define GATE_BLOCK_SHIFT 19
#define GATE_BLOCK_SIZE  (1 << GATE_BLOCK_SHIFT)
#define GATE_SW_OFF      0x0
#define GATE_REC_OFF     0x2000
#define GATE_REC_SIZE    0x3000
#define GATE_ALT_OFF     0x6000
#define GATE_ALT_SIZE    0x40000

/* switch page: the kernel's struct kctx_switch_page (<linux/kctx.h>)
 * first, then the gate's own fields */
#define SW_WANT     0  /* u32: the kernel context of the next syscall */
#define SW_SELECTOR 64 /* u8: SUD selector */
#define SW_HW       65 /* u8: 1 while the call in flight uses WRPKRU */
#define SW_SIDE     66 /* u8: 1 from entry to leave, domain code running */
#define SW_DSEL     67 /* u8: the selector of the domain side of this call */
#define SW_IN_CALL  68 /* u32: 1 from entry to leave */
#define SW_EXPECTED 72 /* u32: the PKRU of the domain side of this call */
#define SW_RECORD   80 /* u64: the trusted record (at a fixed offset from
			  * the page: RDGSBASE tells a domain as much) */
#define SW_PENDING  88 /* u32: abort the call at the next chance */
#define SW_KCTX     92 /* u32: the kernel context of the domain side */

#define SEL_ALLOW 0 /* SYSCALL_DISPATCH_FILTER_ALLOW */
#define SEL_BLOCK 1 /* SYSCALL_DISPATCH_FILTER_BLOCK */

#define SIDE_TRUSTED 0
#define SIDE_DOMAIN  1

#define KCTX_ROOT_ID 0 /* KCTX_ROOT */

/* trusted record: the fields the assembly touches */
#define REC_RSP        0  /* host rsp inside gate_enter */
#define REC_GLIBC_FS   8  /* the thread's own FS base */
#define REC_RESULT_PTR 16 /* where gate_enter stores the result */
#define REC_MXCSR      24 /* u32 */
#define REC_FCW        28 /* u16 */
#define REC_ABORT      32 /* u32: GATE_* status of an abort, 0 none */
#define REC_DEPTH      36 /* u32: signal fronts entered and not yet left */
#define REC_ALTSTACK   40 /* stack_t: the thread's signal stack, SS_AUTODISARM */
#define REC_XSAVE      0x1000 /* 64-aligned; up to 8 KiB */
#define REC_XSAVE_MAX  0x2000

/* lane thread block */
#define TB_SELF      0x00
#define TB_CANARY    0x28
#define TB_TID       0x30
#define TB_ERRNO     0x34
#define TB_LOCALE    0xa8
#define TB_C_LOCALE  0x200 /* musl's C locale: six NULL category pointers */
#define TB_SLOTS     0x400 /* 18 u64: rax..r15 (rsp at 7), rip, rflags */
#define TB_SCRATCH   0x1000 /* top of the resume stack (a few words) */
#define SLOT(n)      (TB_SLOTS + 8 * (n))
#define S_RAX 0
#define S_RBX 1
#define S_RCX 2
#define S_RDX 3
#define S_RSI 4
#define S_RDI 5
#define S_RBP 6
#define S_RSP 7
#define S_R8  8
#define S_R9  9
#define S_R10 10
#define S_R11 11
#define S_R12 12
#define S_R13 13
#define S_R14 14
#define S_R15 15
#define S_RIP 16
#define S_RFL 17
#define S_COUNT 18

/* gate_enter's argument block (trusted stack) */
#define CALL_ARGS  0  /* 6 x u64 */
#define CALL_FN    48
#define CALL_STACK 56
#define CALL_TB    64
#define CALL_HW    72

/* statuses out of gate_enter; 1..3 are CORDON_CALL_FAULT/TIMEOUT/DEAD */
#define GATE_OK     0
#define GATE_JUMPED 9 /* abort stub reached with no reason recorded */

#define GATE_RFLAGS_CLEAN 0x202
#define GATE_PKRU_CLOSED  0xffffffff /* every key closed: gate_bad's PKRU */
#define GATE_USER_CS      0x33 /* __USER_CS: 64-bit mode */
#define GATE_USER_DS      0x2b /* __USER_DS: the stack segment */

/* gate_ro: the arena's place, on a page of its own that every PKRU can
 * read and none can write (the switch key): the checks after the
 * domain-side WRPKRUs read it (gate.S, CHECK_GS) */
#define RO_ARENA     0
#define RO_ARENA_LEN 8

#ifndef __ASSEMBLER__

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

#include "cordon/mpkdomain.h"
#include "../mpk/keys.h"
#include "vsys.h"
#include "kctx.h"
#include "../loader/image_at.h"

#define GATE_MAX_LANES 64
#define GATE_REASON    256

struct gate_switch {
	volatile uint32_t want;     /* struct kctx_switch_page */
	uint32_t kernel_reserved[15];
	volatile uint8_t selector;
	volatile uint8_t hw;
	volatile uint8_t side;
	volatile uint8_t domain_selector;
	volatile uint32_t in_call;
	volatile uint32_t expected;
	uint32_t pad2;
	/* every domain can read this page: no address inside a domain
	 * (another domain's stack or thread block) may be kept here */
	struct gate_record *record;
	volatile uint32_t pending;
	volatile uint32_t kctx;
};

struct cordon_mpk_domain;

struct gate_record {
	/* read and written by the assembly */
	uint64_t rsp;
	uint64_t glibc_fs;
	int64_t *result;
	uint32_t mxcsr;
	uint16_t fcw;
	uint16_t pad;
	volatile uint32_t abort_status;
	uint32_t front_depth;      /* fronts entered, not left (thread.c) */
	stack_t altstack;          /* re-armed where no rt_sigreturn runs */
	/* C only */
	struct gate_switch *sw;
	struct cordon_mpk_domain *_Atomic domain; /* call in flight, or NULL */
	unsigned lane;
	int tid;
	_Atomic uint64_t gen;      /* one per call */
	_Atomic int64_t timeout;   /* the call's deadline, ns after it began; 0 none */
	/* written by the watchdog only (watchdog.c); the handler's verdict reads them */
	_Atomic uint64_t deadline_gen; /* the call whose deadline is set */
	_Atomic int64_t deadline;  /* CLOCK_MONOTONIC ns, for call deadline_gen */
	uint64_t sent_gen;         /* signalled for this call */
	uint32_t safe_pkru;        /* between calls */
	int in_use;                /* block attached to a live thread */
	int kctx_registered;       /* the switch page is the kernel's too */
	sigset_t domain_mask;      /* the signal mask of the domain side */
	char reason[GATE_REASON];  /* why the last call was aborted */
};

/* ranges of a domain's region that keep their own protection */
#define GATE_MAX_RANGES (CORDON_IMAGE_MAX_RANGES + 8)

struct gate_lane {
	_Atomic int busy;
	uintptr_t stack_lo, stack_top, tb, arena;
};

struct gate_warm;

struct cordon_mpk_domain {
	uint32_t magic;
	unsigned flags, nlanes;
	int hw;                      /* keys and WRPKRU */
	int kctx;                    /* uswitch: its kernel context; 0 for mpk */
	struct cordon_image *img;
	unsigned char *base;         /* the region */
	size_t size;
	struct cordon_image_range ranges[GATE_MAX_RANGES]; /* all but the pool */
	unsigned nranges;
	uintptr_t heap, pool;
	size_t heap_size, pool_size, arena_size;
	struct gate_lane lanes[GATE_MAX_LANES];
	struct keys_user ku;
	struct vsys vsys;
	uint64_t *pool_used;
	int vsys_ready;
	int complete;                /* created: its region may be kept (warm.c) */
	int reused;                  /* its region was kept for it: PROT_NONE until tagged */
	int confined;                /* its image's __cordon_table is filled (layout.c) */
	uintptr_t bad_target;        /* then: its __cordon_bad_target, where checks end */
	struct gate_warm *warm;      /* what keeping its region needs, or NULL */
	_Atomic int dead;
	char reason[GATE_REASON];
	atomic_flag reason_lock;
};

#define GATE_MAGIC 0x4d504b44u

/* global.c: what the CPU and kernel offer, set once */
struct gate_global {
	int ready, error;
	int pku;                 /* hardware keys usable */
	int switch_key;          /* -1 without keys */
	int kctx;                /* the kernel has kernel contexts */
	struct keys *keys;
	uint32_t pkey_off;       /* PKRU's offset in the XSAVE area */
	char why[128];
};
extern struct gate_global gate_g;
int gate_global_init(void);
int gate_cpu_check(char *why, size_t len, int need_pku);
uint32_t gate_pkru_for(int key);

/* read by the assembly (hidden globals) */
extern uintptr_t gate_arena, gate_arena_len;
extern uint64_t gate_ro[GATE_PAGE / 8];
extern uintptr_t gate_restorer; /* glibc's signal restorer (signals.c) */
extern uint8_t gate_pku, gate_avx, gate_avx512;
extern uint32_t gate_xrfbm_lo, gate_xrfbm_hi;

/* thread.c */
struct gate_record *gate_attach(void);
struct gate_record *gate_record_of(unsigned block);
unsigned gate_blocks_used(void);
int gate_arena_init(void);
/* The thread's signal stack armed again where a handler left without
 * rt_sigreturn (a longjmp); -EDEADLK if called on that stack. */
int gate_altstack_check(struct gate_record *r);

/* signals.c */
int gate_signals_install(void);
int gate_signal_number(void); /* the deadline/kill signal */
void gate_send(struct gate_record *r, uint64_t gen, int kill);

/* watchdog.c */
void gate_deadline_arm(struct gate_record *r, int64_t timeout_ns);
void gate_signals_refresh(void);
int64_t gate_now_ns(void);

/* domain.c */
void gate_domain_die(struct cordon_mpk_domain *d, const char *why);
int gate_exec_contains(const struct cordon_mpk_domain *d, uintptr_t p);

/* call.c: the call through the gate on lane, used by create as well */
int gate_call(struct cordon_mpk_domain *d, unsigned lane, void *fn,
	      const int64_t args[6], int64_t *result, int64_t timeout_ns);

/* gate.S */
struct gate_call {
	uint64_t args[6];
	uint64_t fn, stack, tb, hw;
};
int gate_enter(struct gate_call *c, int64_t *result);
void gate_resume(struct gate_record *r, uintptr_t tb) __attribute__((noreturn));
void gate_set_trusted_pkru(void);
void gate_signal_front(int sig, siginfo_t *si, void *uc);
extern char gate_return[], gate_return_pkru[], gate_abort[], gate_abort_pkru[];
extern char gate_entry_window[], gate_entry_wrpkru[], gate_entry_window_end[];
extern char gate_ret_window[], gate_ret_window_end[];
extern char gate_resume_window[], gate_resume_window_end[];
extern char gate_bad[], gate_bad_end[];
extern char gate_front_start[], gate_front_end[];

_Static_assert(offsetof(struct gate_switch, want) == SW_WANT, "sw");
_Static_assert(offsetof(struct gate_switch, selector) == SW_SELECTOR, "sw");
_Static_assert(offsetof(struct gate_switch, side) == SW_SIDE, "sw");
_Static_assert(offsetof(struct gate_switch, domain_selector) == SW_DSEL, "sw");
_Static_assert(offsetof(struct gate_switch, kctx) == SW_KCTX, "sw");
_Static_assert(offsetof(struct gate_switch, hw) == SW_HW, "sw");
_Static_assert(offsetof(struct gate_switch, in_call) == SW_IN_CALL, "sw");
_Static_assert(offsetof(struct gate_switch, expected) == SW_EXPECTED, "sw");
_Static_assert(offsetof(struct gate_switch, record) == SW_RECORD, "sw");
_Static_assert(offsetof(struct gate_switch, pending) == SW_PENDING, "sw");
_Static_assert(offsetof(struct gate_record, glibc_fs) == REC_GLIBC_FS, "rec");
_Static_assert(offsetof(struct gate_record, result) == REC_RESULT_PTR, "rec");
_Static_assert(offsetof(struct gate_record, mxcsr) == REC_MXCSR, "rec");
_Static_assert(offsetof(struct gate_record, fcw) == REC_FCW, "rec");
_Static_assert(offsetof(struct gate_record, abort_status) == REC_ABORT, "rec");
_Static_assert(offsetof(struct gate_record, front_depth) == REC_DEPTH, "rec");
_Static_assert(offsetof(struct gate_record, altstack) == REC_ALTSTACK, "rec");
_Static_assert(sizeof(struct gate_record) <= REC_XSAVE, "record fits before the XSAVE area");
_Static_assert(offsetof(struct gate_call, fn) == CALL_FN, "call");
_Static_assert(offsetof(struct gate_call, hw) == CALL_HW, "call");

static inline struct gate_record *gate_block_record(uintptr_t block)
{
	return (struct gate_record *)(block + GATE_REC_OFF);
}

static inline uint64_t *gate_slots(uintptr_t tb)
{
	return (uint64_t *)(tb + TB_SLOTS);
}

#endif /* __ASSEMBLER__ */
#endif
