/*
 * The mpk backend's gate under real protection keys, in the PKU test VM
 * (make vm-test): the cases of tests/gate_cases.inc with keyed domains
 * and with software-only ones, then the attacks of DESIGN.md section 1,
 * each of which must end in a failed call with the process alive and the
 * other domains intact.
 * gate/, loader/ and mpk/ are compiled in (static glibc), so the test can
 * name the gate's labels. argv[1]: target/. Last line
 * "gate-vm-tests: N passed, M failed, S skipped"; exit status 1 if anything
 * failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "mpk/pkru.h"
#include "gate/gate.h"
#include "tests/vm/check.h"

static const char *target_dir = "target";

static unsigned char *read_image(const char *name, size_t *len)
{
	char path[512];
	unsigned char *buf = NULL;
	FILE *f;
	long n;

	*len = 0;
	snprintf(path, sizeof(path), "%s/test/images/%s", target_dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
			*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

#define GATE_PKRU_OK() (cordon_rdpkru() == 0)
#define GC_UNDER_TCG 1 /* the test VM: QEMU -cpu max, TCG */

#include "../gate_cases.inc"
#include "../gate_regs.inc"
#include "uswitch_cases.inc"
#include "surface_cases.inc"

/* the gate's labels (gate.S, thread.c): every trusted WRPKRU, XRSTOR,
 * WRFSBASE and WRGSBASE (tests/test_gate.c's inventory) and the stubs */
extern char gate_entry_wrpkru[], gate_return_check[], gate_entry_wrfs[],
	gate_return_wrpkru[], gate_abort_wrpkru[], gate_ret_wrgs[], gate_ret_wrfs[],
	gate_bad_wrpkru[], gate_resume_xrstor[], gate_resume_wrfs[], gate_resume_wrpkru[],
	gate_attach_wrpkru[], gate_front_wrpkru[], gate_front_wrgs[], gate_front_wrfs[],
	gate_front_back_wrfs[], gate_front_back_wrgs[], gate_thread_wrgs[];

static int64_t secret = 0x5ec1e7;

static struct cordon_mpk_domain *attack_domain(unsigned char *img, size_t len)
{
	struct cordon_mpk_config cfg = {
		.heap_size = 64 << 10, .arena_size = 16 << 10, .stack_size = 64 << 10,
		.lanes = 1, .data_dir_fd = -1, .syscalls = CORDON_SYS_ALL, .flags = gc_flags,
	};
	struct cordon_mpk_domain *d = NULL;
	char err[256];
	int rc = cordon_mpk_create(img, len, &cfg, &d, err, sizeof(err));

	if (rc)
		printf("note: create: %d %s\n", rc, err);
	return d;
}

/* domain jumps to target with eax and r11 (and rdi) of its choice */
static void jump_case(unsigned char *img, size_t len, const char *what, void *target,
		      int64_t eax, int want_ok)
{
	struct cordon_mpk_domain *d = attack_domain(img, len);
	char reason[256];
	int64_t r;
	int st;

	if (!check(d != NULL, "attack domain for %s", what))
		return;
	CALL(d, "set_loot", &st, (int64_t)(uintptr_t)&secret, 0, 0, 0, 0, 0);
	r = CALL(d, "jump_with", &st, (int64_t)(uintptr_t)target, eax,
		 (int64_t)(uintptr_t)cordon_mpk_symbol(d, "steal"),
		 (int64_t)(uintptr_t)cordon_mpk_arena(d, 0), 0, 0);
	cordon_mpk_reason(d, reason, sizeof(reason));
	if (want_ok)
		check(st == CORDON_CALL_OK && r != secret && cordon_rdpkru() == 0,
		      "%s: only an early return of its own call (%d, %#llx)", what, st,
		      (long long)r);
	else
		check(st == CORDON_CALL_FAULT && r != secret && cordon_rdpkru() == 0,
		      "%s: FAULT, nothing stolen (%d, %#llx, \"%s\")", what, st, (long long)r,
		      reason);
	cordon_mpk_destroy(d);
}

static void attacks_gate(void)
{
	unsigned char *img;
	size_t len;

	img = read_image("raw_attack.so", &len);
	if (!check(img != NULL, "read raw_attack.so"))
		return;
	jump_case(img, len, "jump to the entry WRPKRU with eax 0", gate_entry_wrpkru, 0, 0);
	jump_case(img, len, "jump past the return stub's WRPKRU", gate_return_check, 0, 0);
	jump_case(img, len, "jump into the abort stub", gate_abort, 0, 0);
	jump_case(img, len, "jump into gate_resume (XRSTOR)", (void *)gate_resume, 0, 0);
	jump_case(img, len, "jump into attach's WRPKRU", (void *)gate_set_trusted_pkru, 0, 0);
	jump_case(img, len, "jump into the signal front", (void *)gate_signal_front, 0, 0);
	jump_case(img, len, "jump to the return stub", gate_return, 0, 1);
	free(img);
}

/* --- ERIM's rule: a jump straight to each trusted WRPKRU, XRSTOR,
 * WRFSBASE and WRGSBASE, and to the stubs, with hostile GS, stack and
 * flags --- */

static const struct {
	const char *name;
	void *at;
	int eax, ok_own_gs; /* ok_own_gs: an early return of its own call */
} gc_sites[] = {
	{ "gate_entry_wrfs", gate_entry_wrfs, 0, 0 },
	{ "gate_entry_wrpkru", gate_entry_wrpkru, 0, 0 },
	{ "gate_entry_wrpkru, all but key 0 open", gate_entry_wrpkru, 3, 0 },
	{ "gate_return", gate_return, 0, 1 },
	{ "gate_return_wrpkru", gate_return_wrpkru, 0, 1 },
	{ "gate_return_check", gate_return_check, 0, 0 },
	{ "gate_abort", gate_abort, 0, 0 },
	{ "gate_abort_wrpkru", gate_abort_wrpkru, 0, 0 },
	{ "gate_ret_window", gate_ret_window, 0, 0 },
	{ "gate_ret_wrgs", gate_ret_wrgs, 0, 0 },
	{ "gate_ret_wrfs", gate_ret_wrfs, 0, 0 },
	{ "gate_bad", gate_bad, 0, 0 },
	{ "gate_bad_wrpkru", gate_bad_wrpkru, 0, 0 },
	{ "gate_resume", (void *)gate_resume, 0x200, 0 },
	{ "gate_resume_xrstor, PKRU in the mask", gate_resume_xrstor, 0x200, 0 },
	{ "gate_resume_wrfs", gate_resume_wrfs, 0, 0 },
	{ "gate_resume_wrpkru", gate_resume_wrpkru, 0, 0 },
	{ "gate_attach_wrpkru", gate_attach_wrpkru, 0, 0 },
	{ "gate_signal_front", (void *)gate_signal_front, 0, 0 },
	{ "gate_front_wrpkru", gate_front_wrpkru, 0, 0 },
	{ "gate_front_wrgs", gate_front_wrgs, 0, 0 },
	{ "gate_front_wrfs", gate_front_wrfs, 0, 0 },
	{ "gate_front_back_wrfs", gate_front_back_wrfs, 0, 0 },
	{ "gate_front_back_wrgs", gate_front_back_wrgs, 0, 0 },
	{ "gate_thread_wrgs", gate_thread_wrgs, 0, 0 },
};

#define HOSTILE_GS    1
#define HOSTILE_STACK 2
#define HOSTILE_FLAGS 4

/* a fake switch page at fake (domain memory) that lets everything
 * through, and a fake record whose stack returns to steal */
static void fake_switch_page(unsigned char *fake, uintptr_t steal)
{
	uint64_t *stack = (uint64_t *)(fake + 0x3f00);

	memset(fake, 0, 0x4000);
	*(uint32_t *)(fake + SW_EXPECTED) = 0;
	fake[SW_HW] = 0;
	fake[SW_SIDE] = SIDE_TRUSTED;
	*(uint32_t *)(fake + SW_IN_CALL) = 1;
	*(uint64_t *)(fake + SW_RECORD) = (uintptr_t)(fake + 0x1000);
	*(uint64_t *)(fake + 0x1000 + REC_RSP) = (uintptr_t)stack;
	*(uint64_t *)(fake + 0x1000 + REC_GLIBC_FS) = (uintptr_t)(fake + 0x2000);
	*(uint64_t *)(fake + 0x1000 + REC_RESULT_PTR) = (uintptr_t)(fake + 0x2800);
	stack[6] = steal;
}

static void site_case(unsigned char *img, size_t len, void *gadget, int i, int mode)
{
	struct cordon_mpk_domain *d = attack_domain(img, len);
	uintptr_t gs0, gs1, fs0, fs1;
	unsigned char *fake;
	int64_t r;
	int st;

	if (!check(d != NULL, "attack domain for %s", gc_sites[i].name))
		return;
	CALL(d, "set_loot", &st, (int64_t)(uintptr_t)&secret, 0, 0, 0, 0, 0);
	fake = cordon_mpk_arena(d, 0);
	fake_switch_page(fake, (uintptr_t)cordon_mpk_symbol(d, "steal"));
	__asm__ volatile("rdgsbase %0\n rdfsbase %1" : "=r"(gs0), "=r"(fs0));
	r = CALL(d, "jump_hostile", &st, (int64_t)(uintptr_t)gc_sites[i].at, gc_sites[i].eax,
		 (int64_t)(uintptr_t)gadget, (int64_t)(uintptr_t)fake, mode,
		 (int64_t)(uintptr_t)cordon_mpk_symbol(d, "steal"));
	__asm__ volatile("rdgsbase %0\n rdfsbase %1" : "=r"(gs1), "=r"(fs1));
	check((st == CORDON_CALL_FAULT ||
	       (st == CORDON_CALL_OK && gc_sites[i].ok_own_gs && !(mode & HOSTILE_GS))) &&
	      r != secret && secret == 0x5ec1e7 && cordon_rdpkru() == 0 && gs0 == gs1 &&
	      fs0 == fs1,
	      "jump to %s%s%s%s: contained, the secret unread, PKRU, FS and GS the host's "
	      "(%d, %#llx)", gc_sites[i].name, mode & HOSTILE_GS ? ", GS forged" : "",
	      mode & HOSTILE_STACK ? ", rsp in the signal stack" : "",
	      mode & HOSTILE_FLAGS ? ", AC and DF" : "", st, (long long)r);
	cordon_mpk_destroy(d);
}

static void attacks_sites(void)
{
	static const unsigned char wrgs_ret[] = { 0xf3, 0x48, 0x0f, 0xae, 0xdf, 0xc3 };
	unsigned char *img;
	void *gadget;
	size_t len;
	unsigned i;
	int mode;

	img = read_image("raw_attack.so", &len);
	gadget = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!check(img && gadget != MAP_FAILED, "raw_attack.so and a WRGSBASE gadget page"))
		return;
	memcpy(gadget, wrgs_ret, sizeof(wrgs_ret));
	mprotect(gadget, 4096, PROT_READ | PROT_EXEC);
	for (i = 0; i < sizeof(gc_sites) / sizeof(gc_sites[0]); i++)
		for (mode = 0; mode < 8; mode++)
			site_case(img, len, gadget, (int)i, mode);
	munmap(gadget, 4096);
	free(img);
}

/* Words of this thread's switch page that point into d's region: every
 * domain can read the page, so there must be none (another domain's stack
 * or thread block would tell where that domain lives). */
static int switch_page_points_into(const struct cordon_mpk_domain *d)
{
	const uint64_t *w = (const uint64_t *)gate_attach()->sw;
	uintptr_t lo = (uintptr_t)d->base, hi = lo + d->size;
	int n = 0;
	size_t i;

	for (i = 0; i < GATE_PAGE / sizeof(*w); i++)
		n += w[i] >= lo && w[i] < hi;
	return n;
}

/* d writes field off of its switch page: a key fault, nothing written */
static void write_switch_case(unsigned char *img, size_t len, int off, const char *what)
{
	struct cordon_mpk_domain *d = attack_domain(img, len);
	char reason[256];
	int st;

	if (!check(d != NULL, "attack domain"))
		return;
	CALL(d, "write_switch", &st, off, 1, 0, 0, 0, 0);
	cordon_mpk_reason(d, reason, sizeof(reason));
	check(st == CORDON_CALL_FAULT && strstr(reason, "SEGV_PKUERR"),
	      "writing %s through %%gs: FAULT (%d, %s)", what, st, reason);
	cordon_mpk_destroy(d);
}

static void attacks_switch_page(void)
{
	struct cordon_mpk_domain *d;
	unsigned char *img;
	size_t len;
	int64_t r;
	int st;

	img = read_image("raw_attack.so", &len);
	if (!img)
		return;
	d = attack_domain(img, len);
	if (check(d != NULL, "attack domain")) {
		r = CALL(d, "read_switch_u32", &st, SW_EXPECTED, 0, 0, 0, 0, 0);
		check(st == CORDON_CALL_OK && (uint32_t)r == gate_pkru_for(atomic_load(&d->ku.key)),
		      "the domain reads its switch page (expected PKRU %#llx)", (long long)r);
		st = switch_page_points_into(d);
		check(st == 0, "after a call no word of the switch page, which every domain can "
		      "read, points into the domain (%d)", st);
		cordon_mpk_destroy(d);
	}
	write_switch_case(img, len, SW_EXPECTED, "expected_pkru");
	write_switch_case(img, len, SW_SELECTOR, "the SUD selector");
	write_switch_case(img, len, SW_SIDE, "the side");
	write_switch_case(img, len, SW_WANT, "the kernel context it wants");
	free(img);
}

static void attacks_memory(void)
{
	struct cordon_mpk_domain *a, *b;
	char err[256], reason[256];
	int64_t r, *bmem;
	int st;

	b = gc_make(1, 0, -1, err, sizeof(err));
	if (!check(b != NULL, "victim domain (%s)", err))
		return;
	CALL(b, "store", &st, 4242, 0, 0, 0, 0, 0);
	bmem = cordon_mpk_arena(b, 0);
	*bmem = 0x1234;

	a = gc_make(1, 0, -1, err, sizeof(err));
	r = CALL(a, "read_at", &st, (int64_t)(uintptr_t)&secret, 0, 0, 0, 0, 0);
	cordon_mpk_reason(a, reason, sizeof(reason));
	check(st == CORDON_CALL_FAULT && r != secret && strstr(reason, "SEGV_PKUERR") &&
	      strstr(reason, "key 0"),
	      "read trusted memory (address passed): FAULT (%d, \"%s\")", st, reason);
	cordon_mpk_destroy(a);

	a = gc_make(1, 0, -1, err, sizeof(err));
	CALL(a, "write_at", &st, (int64_t)(uintptr_t)&secret, 666, 0, 0, 0, 0);
	check(st == CORDON_CALL_FAULT && secret == 0x5ec1e7,
	      "write trusted memory: FAULT, unchanged (%d, %#llx)", st, (long long)secret);
	cordon_mpk_destroy(a);

	a = gc_make(1, 0, -1, err, sizeof(err));
	r = CALL(a, "read_at", &st, (int64_t)(uintptr_t)bmem, 0, 0, 0, 0, 0);
	cordon_mpk_reason(a, reason, sizeof(reason));
	check(st == CORDON_CALL_FAULT && r != 0x1234 && strstr(reason, "SEGV_PKUERR"),
	      "read another domain's memory: FAULT (%d, \"%s\")", st, reason);
	cordon_mpk_destroy(a);

	a = gc_make(1, 0, -1, err, sizeof(err));
	CALL(a, "write_at", &st, (int64_t)(uintptr_t)bmem, 666, 0, 0, 0, 0);
	check(st == CORDON_CALL_FAULT && *bmem == 0x1234,
	      "write another domain's memory: FAULT, unchanged (%d)", st);
	cordon_mpk_destroy(a);

	r = CALL(b, "load", &st, 0, 0, 0, 0, 0, 0);
	check(st == CORDON_CALL_OK && r == 4242, "the victim is intact (%d, %lld)", st,
	      (long long)r);
	cordon_mpk_destroy(b);
}

static void attacks_syscalls(void)
{
	static char host_page[4096] __attribute__((aligned(4096))) = "host";
	struct cordon_mpk_domain *d;
	struct iovec iov = { host_page, 4 };
	char err[256];
	int64_t r;
	int st, ok = 1;
	uintptr_t p = (uintptr_t)host_page;

	d = gc_make(1, CORDON_SYS_ALL, -1, err, sizeof(err));
	if (!check(d != NULL, "domain with every syscall group (%s)", err))
		return;
	r = CALL(d, "raw_syscall", &st, SYS_mprotect, (int64_t)p, 4096, PROT_NONE, 0, 0);
	check(st == CORDON_CALL_OK && r < 0, "mprotect of host memory refused (%lld)", (long long)r);
	r = CALL(d, "raw_syscall", &st, SYS_pkey_mprotect, (int64_t)p, 4096, PROT_READ, 0, 0);
	check(st == CORDON_CALL_OK && r == -EPERM, "pkey_mprotect: EPERM (%lld)", (long long)r);
	r = CALL(d, "raw_syscall", &st, SYS_munmap, (int64_t)p, 4096, 0, 0, 0);
	check(st == CORDON_CALL_OK && r < 0, "munmap of host memory refused (%lld)", (long long)r);
	r = CALL(d, "raw_syscall", &st, SYS_mremap, (int64_t)p, 4096, 8192, 0, 0);
	check(st == CORDON_CALL_OK && r < 0, "mremap of host memory refused (%lld)", (long long)r);
	host_page[0] = 'H';
	ok = host_page[0] == 'H';
	check(ok, "host memory still mapped and writable");
	strcpy(cordon_mpk_arena(d, 0), "/proc/self/mem");
	r = CALL(d, "try_open", &st, (int64_t)(uintptr_t)cordon_mpk_arena(d, 0), 0, 0, 0, 0, 0);
	check(st == CORDON_CALL_OK && (r == -EPERM || r == -EACCES),
	      "open(/proc/self/mem) refused (%lld)", (long long)r);
	r = CALL(d, "raw_syscall", &st, SYS_process_vm_writev, getpid(), (int64_t)(uintptr_t)&iov,
		 1, 0, 0);
	check(st == CORDON_CALL_OK && r == -EPERM, "process_vm_writev: EPERM (%lld)", (long long)r);
	r = CALL(d, "raw_syscall", &st, SYS_pkey_alloc, 0, 0, 0, 0, 0);
	check(st == CORDON_CALL_OK && r == -EPERM, "pkey_alloc: EPERM (%lld)", (long long)r);
	cordon_mpk_destroy(d);
}

static void refused_image(const char *name, const char *want)
{
	struct cordon_mpk_config cfg = { .lanes = 1, .data_dir_fd = -1 };
	struct cordon_mpk_domain *d = NULL;
	unsigned char *img;
	char err[256] = "";
	size_t len;
	int rc;

	img = read_image(name, &len);
	if (!check(img != NULL, "read %s", name))
		return;
	rc = cordon_mpk_create(img, len, &cfg, &d, err, sizeof(err));
	check(rc == -ENOEXEC && !d && strstr(err, want), "%s refused at create: %d (%s)", name,
	      rc, err);
	free(img);
}

#define MANY 64

static void many_domains(void)
{
	static struct cordon_mpk_domain *d[MANY];
	char err[256];
	int i, n = 0, good = 0, st, contained = 0;
	int64_t r;

	for (i = 0; i < MANY; i++) {
		d[i] = gc_make(1, 0, -1, err, sizeof(err));
		if (!d[i])
			break;
		n++;
		CALL(d[i], "store", &st, 1000 + i, 0, 0, 0, 0, 0);
		*(int64_t *)cordon_mpk_arena(d[i], 0) = 5000 + i;
	}
	check(n == MANY, "%d live domains (more than the %u domain keys)", n,
	      keys_domain_keys(gate_g.keys));
	for (i = 0; i < n; i++) {
		r = CALL(d[i], "load", &st, 0, 0, 0, 0, 0, 0);
		good += st == CORDON_CALL_OK && r == 1000 + i;
		r = CALL(d[i], "read_at", &st, (int64_t)(uintptr_t)cordon_mpk_arena(d[i], 0),
			 0, 0, 0, 0, 0);
		good += st == CORDON_CALL_OK && r == 5000 + i;
	}
	check(good == 2 * n, "each answers with its own data, twice round (%d of %d)", good,
	      2 * n);
	/* every 8th reads its neighbour: contained, the neighbour intact */
	for (i = 0; i + 1 < n; i += 8) {
		r = CALL(d[i], "read_at", &st, (int64_t)(uintptr_t)cordon_mpk_arena(d[i + 1], 0),
			 0, 0, 0, 0, 0);
		contained += st == CORDON_CALL_FAULT && r != 5001 + i;
		r = CALL(d[i + 1], "load", &st, 0, 0, 0, 0, 0, 0);
		contained += st == CORDON_CALL_OK && r == 1001 + i;
	}
	check(contained == 2 * ((n + 6) / 8), "reading a neighbour faults, the neighbour "
	      "answers (%d of %d)", contained, 2 * ((n + 6) / 8));
	for (i = 0; i < n; i++)
		cordon_mpk_destroy(d[i]);
}

/* The shared cases, the attacks that apply and the context's own cases,
 * with uswitch domains: on the patched kernel only. */
static void uswitch_all(void)
{
	char why[256];

	if (!cordon_uswitch_supported(why, sizeof(why))) {
		skip("the cases with uswitch domains", "%s", why);
		return;
	}
	printf("note: the same with uswitch domains (kernel contexts)\n");
	gc_flags = CORDON_MPK_KERNEL_CONTEXT;
	gate_cases_run();
	attacks_gate();
	attacks_sites();
	attacks_switch_page();
	attacks_memory();
	attacks_syscalls();
	attacks_surface();
	uswitch_cases_run();
	gc_flags = 0;
}

/* The shared cases with software-only domains, as tests/test_gate.c runs
 * them on a host with FSGSBASE: here they run on every machine (QEMU's
 * -cpu max has FSGSBASE), so CI runs them wherever it runs. */
static void software_only_all(void)
{
	printf("note: the same with software-only domains\n");
	gc_flags = CORDON_MPK_SOFTWARE_ONLY;
	gate_cases_run();
	gc_flags = 0;
}

/* This process made no thread before the set-up, so glibc had no handler
 * on its setxid signal yet (signals.c, glibc_handlers_early). */
static void setxid_fronted(void)
{
	struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } k;

	check(!syscall(SYS_rt_sigaction, 33, NULL, &k, 8) && k.handler == (void *)gate_signal_front,
	      "glibc's signal 33 fronted from the set-up on, though no thread existed before");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		target_dir = argv[1];
	gc_no_vm_rw = syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0) < 0 &&
		      errno == ENOSYS;
	gate_cases_init("gate_basic.so", 0);
	if (!gc_image)
		goto out;
	if (!check(cordon_mpk_supported(NULL, 0) == 1, "cordon_mpk_supported()"))
		goto out;
	setxid_fronted();
	gate_cases_run();
	case_setxid();
	case_own_ids_refused();
	software_only_all();
	refused_image("wrpkru.so", "WRPKRU");
	refused_image("gate_wrgs.so", "WRGSBASE");
	attacks_gate();
	attacks_sites();
	attacks_switch_page();
	attacks_memory();
	attacks_syscalls();
	attacks_surface();
	many_domains();
	uswitch_all();
out:
	return vm_summary("gate-vm-tests");
}
