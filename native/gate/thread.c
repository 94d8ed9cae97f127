/*
 * Attaching a thread (cordon_mpk_attach): its block of the trusted arena
 * (gate.h), its GS base, PKRU 0, its signal stack, Syscall User Dispatch
 * with no exempt range, and glibc's rseq area unregistered (the kernel
 * writes it, key-0 memory, under the thread's PKRU at preemption and
 * signal delivery: inside a domain that write fails and the kernel kills
 * the process). Detached again by a TSD destructor when the thread exits.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cordon/mpk.h"
#include "gate.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#endif
#ifndef PR_SYS_DISPATCH_ON
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#endif
#define RSEQ_SIG 0x53053053
#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_CPU_ID_OFF 4

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)
#endif

uintptr_t gate_arena, gate_arena_len;
/* the arena's place again, on a page of its own (see gate.h): filled,
 * then read-only with the switch key */
uint64_t gate_ro[GATE_PAGE / 8] __attribute__((aligned(GATE_PAGE)));

/* glibc >= 2.35; weak so that a libc without them leaves rseq alone */
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));

static __thread struct gate_record *self __attribute__((tls_model("initial-exec")));
static pthread_key_t exit_key;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned used;                       /* blocks ever committed */
static unsigned free_list[GATE_MAX_THREADS];/* committed, not in use */
static unsigned nfree;

static void detach(void *arg);

static int ro_init(void)
{
	gate_ro[RO_ARENA / 8] = gate_arena;
	gate_ro[RO_ARENA_LEN / 8] = gate_arena_len;
	if (gate_g.switch_key > 0)
		return cordon_pkey_mprotect(gate_ro, GATE_PAGE, PROT_READ, gate_g.switch_key)
			       ? -EPERM : 0;
	return mprotect(gate_ro, GATE_PAGE, PROT_READ) ? -errno : 0;
}

int gate_arena_init(void)
{
	size_t len = (size_t)GATE_MAX_THREADS << GATE_BLOCK_SHIFT;
	void *p = mmap(NULL, len + GATE_BLOCK_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return -errno;
	/* block-aligned, so that a block is found by masking */
	a = ((uintptr_t)p + GATE_BLOCK_SIZE - 1) & ~(uintptr_t)(GATE_BLOCK_SIZE - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((void *)(a + len), (uintptr_t)p + GATE_BLOCK_SIZE - a);
	if (pthread_key_create(&exit_key, detach))
		return -EAGAIN;
	gate_arena_len = len;
	gate_arena = a;
	return ro_init();
}

static uintptr_t block_at(unsigned i)
{
	return gate_arena + ((uintptr_t)i << GATE_BLOCK_SHIFT);
}

struct gate_record *gate_record_of(unsigned i)
{
	return gate_block_record(block_at(i));
}

unsigned gate_blocks_used(void)
{
	return __atomic_load_n(&used, __ATOMIC_ACQUIRE);
}

/* Make block i's pages and its switch page's fixed contents. The switch
 * page is filled while it still has key 0, which every thread can write,
 * and only then tagged with the switch key. */
static int commit(unsigned i)
{
	uintptr_t b = block_at(i);
	struct gate_switch *sw = (struct gate_switch *)(b + GATE_SW_OFF);
	struct gate_record *r = gate_block_record(b);
	int rw = PROT_READ | PROT_WRITE;

	if (mprotect(sw, GATE_PAGE, rw) || mprotect(r, GATE_REC_SIZE, rw) ||
	    mprotect((void *)(b + GATE_ALT_OFF), GATE_ALT_SIZE, rw))
		return -errno;
	sw->selector = SEL_ALLOW;
	sw->side = SIDE_TRUSTED;
	sw->domain_selector = SEL_BLOCK;
	sw->record = r;
	sw->expected = gate_pkru_for(-1);
	r->sw = sw;
	r->safe_pkru = sw->expected;
	if (gate_g.switch_key > 0 &&
	    cordon_pkey_mprotect(sw, GATE_PAGE, rw, gate_g.switch_key))
		return -EPERM;
	return 0;
}

static int take_block(unsigned *out)
{
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (nfree) {
		*out = free_list[--nfree];
	} else if (used < GATE_MAX_THREADS) {
		rc = commit(used);
		if (!rc) {
			*out = used;
			__atomic_store_n(&used, used + 1, __ATOMIC_RELEASE);
		}
	} else {
		rc = -EAGAIN;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

static void give_block(struct gate_record *r)
{
	pthread_mutex_lock(&lock);
	r->in_use = 0;
	free_list[nfree++] = (unsigned)(((uintptr_t)r - gate_arena) >> GATE_BLOCK_SHIFT);
	pthread_mutex_unlock(&lock);
}

/* The only WRGSBASE outside gate.S: TRUSTED_ONLY after it (gate.S), so
 * a domain that jumps here faults before anything runs on its GS. */
static __attribute__((noinline)) void wrgsbase(uintptr_t v)
{
	__asm__ volatile(".globl gate_thread_wrgs\n.hidden gate_thread_wrgs\n"
			 "gate_thread_wrgs:\n\twrgsbase %0\n\tcmpb $0, gate_pku(%%rip)"
			 : : "r"(v) : "memory", "cc");
}

static uintptr_t rdfsbase(void)
{
	uintptr_t v;

	__asm__ volatile("rdfsbase %0" : "=r"(v));
	return v;
}

/* glibc's rseq registration of this thread, undone (see the top). */
static void rseq_off(void)
{
	char *area;
	long rc;

	if (!&__rseq_size || !&__rseq_offset || !__rseq_size)
		return;
	area = (char *)__builtin_thread_pointer() + __rseq_offset;
	if (*(volatile int32_t *)(area + RSEQ_CPU_ID_OFF) < 0)
		return; /* not registered for this thread */
	rc = syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	if (rc && __rseq_size < 32)
		rc = syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	if (!rc) /* sched_getcpu falls back to the syscall */
		*(volatile int32_t *)(area + RSEQ_CPU_ID_OFF) = -1;
}

/* SS_AUTODISARM: a domain may leave its stack pointer inside the signal
 * stack; without it the kernel would build the next frame below that
 * pointer, past the stack's end, and kill the process. */
static stack_t altstack_of(struct gate_record *r)
{
	stack_t ss = { .ss_sp = (char *)r->sw - GATE_SW_OFF + GATE_ALT_OFF,
		       .ss_size = GATE_ALT_SIZE, .ss_flags = (int)SS_AUTODISARM };

	return ss;
}

int gate_altstack_check(struct gate_record *r)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0),
		  lo = (uintptr_t)r->altstack.ss_sp;

	if (!r->front_depth)
		return 0;
	if (sp >= lo && sp < lo + r->altstack.ss_size)
		return -EDEADLK; /* inside a handler on this thread */
	r->front_depth = 0;
	return sigaltstack(&r->altstack, NULL) ? -errno : 0;
}

static int setup(struct gate_record *r)
{
	stack_t ss = altstack_of(r);

	r->glibc_fs = rdfsbase();
	r->tid = (int)syscall(SYS_gettid);
	r->in_use = 1;
	r->domain = NULL;
	r->altstack = ss;
	r->front_depth = 0;
	wrgsbase((uintptr_t)r->sw);
	if (gate_g.pku)
		gate_set_trusted_pkru();
	rseq_off();
	if (sigaltstack(&ss, NULL))
		return -errno;
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0,
		  &r->sw->selector))
		return -errno;
	/* the switch page doubles as the kernel's (uswitch domains) */
	r->kctx_registered = gate_g.kctx && !gate_kctx_register(r->sw);
	pthread_setspecific(exit_key, r);
	return 0;
}

struct gate_record *gate_attach(void)
{
	struct gate_record *r = self;
	unsigned i;

	if (r)
		return r;
	if (gate_global_init() || take_block(&i))
		return NULL;
	r = gate_record_of(i);
	if (setup(r)) {
		detach(r);
		return NULL;
	}
	self = r;
	/* a new thread is a good moment to catch handlers installed since */
	gate_signals_refresh();
	return r;
}

/* Thread exit (TSD destructor), or a failed attach. */
static void detach(void *arg)
{
	struct gate_record *r = arg;
	stack_t ss = { .ss_flags = SS_DISABLE };

	prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
	if (r->kctx_registered)
		gate_kctx_unregister();
	r->kctx_registered = 0;
	sigaltstack(&ss, NULL);
	wrgsbase(0);
	self = NULL;
	give_block(r);
}

__attribute__((visibility("default")))
int cordon_mpk_attach(void)
{
	if (gate_attach())
		return 0;
	return gate_g.error ? gate_g.error : -EAGAIN;
}
