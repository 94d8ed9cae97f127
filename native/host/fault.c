/*
 * Faults of domain code (or of the host itself, which is the same process):
 * record signal, si_code, address and RIP in the header, say so in
 * header.error, mark the host FAILED, wake every futex word the JVM might
 * sleep on, and exit with 128 + signal. Runs on a per-thread sigaltstack so
 * that a blown stack is reported too. Only async-signal-safe code here.
 */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>

#include "host.h"

#define ALT_STACK_SIZE (64 * 1024)

static struct host *fault_host;
static int fault_taken;

static const int fault_signals[] = {
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGXCPU,
};

/* "fault: signal N" without printf: printf is not async-signal-safe. */
static void fault_text(char *out, size_t cap, int sig)
{
	static const char prefix[] = "fault: domain code raised signal ";
	char digits[12];
	size_t n = 0, len = sizeof(prefix) - 1;

	memcpy(out, prefix, len);
	do {
		digits[n++] = (char)('0' + sig % 10);
		sig /= 10;
	} while (sig && n < sizeof(digits));
	while (n && len + 1 < cap)
		out[len++] = digits[--n];
	out[len] = 0;
}

static void wake_everyone(struct host *h)
{
	uint32_t i;

	futex_wake_shared(&h->hdr->host_state);
	for (i = 0; i < h->nslots; i++)
		futex_wake_shared(&host_slot(h, i)->state);
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	struct host *h = fault_host;
	const ucontext_t *uc = ctx;
	struct timespec forever = { 3600, 0 };

	/* the first fault is the one to report; later ones wait for its exit */
	if (__atomic_exchange_n(&fault_taken, 1, __ATOMIC_ACQ_REL)) {
		for (;;)
			nanosleep(&forever, NULL);
	}
	h->hdr->fault_code = si->si_code;
	h->hdr->fault_address = (uint64_t)(uintptr_t)si->si_addr;
	h->hdr->fault_ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	fault_text(h->hdr->error, sizeof(h->hdr->error), sig);
	/* fault_signal last: once the JVM sees it, the rest is written */
	__atomic_store_n(&h->hdr->fault_signal, sig, __ATOMIC_SEQ_CST);
	__atomic_store_n(&h->hdr->host_state, CORDON_HOST_FAILED, __ATOMIC_SEQ_CST);
	wake_everyone(h);
	_exit(128 + sig);
}

void host_install_fault_handlers(struct host *h)
{
	struct sigaction sa;
	size_t i;

	fault_host = h;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
		if (sigaction(fault_signals[i], &sa, NULL))
			host_fail(h, "faults: cannot install the handler for signal %d",
				  fault_signals[i]);
	if (host_alt_stack())
		host_fail(h, "faults: cannot set up the signal stack");
}

/* sigaltstack is per thread: every worker calls this for itself. */
int host_alt_stack(void)
{
	stack_t ss;
	void *p = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	ss.ss_sp = p;
	ss.ss_size = ALT_STACK_SIZE;
	ss.ss_flags = 0;
	return sigaltstack(&ss, NULL);
}
