/*
 * The mpk backend's gate on this machine, through libcordon.so: software-
 * only domains (no keys, no WRPKRU; everything else of the gate runs:
 * stack and FS switch, Syscall User Dispatch, fault containment,
 * deadlines). The same cases under real keys: tests/vm/gate_test.c.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>

#include "harness.h"
#include "suites.h"

#define GATE_PKRU_OK() 1 /* software only: PKRU is never changed */
#define GC_UNDER_TCG 0

#include "gate_cases.inc"
#include "gate_regs.inc"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

/* The gate needs FSGSBASE and Syscall User Dispatch even without keys. */
static int gate_possible(void)
{
	return (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) &&
	       prctl(59 /* PR_SET_SYSCALL_USER_DISPATCH */, 0, 0, 0, 0) == 0;
}

static void unsupported(void)
{
	struct cordon_mpk_config cfg = { .lanes = 1, .flags = 0 };
	struct cordon_mpk_domain *d = (void *)1;
	char why[256] = "", err[256] = "";
	int sup = cordon_mpk_supported(why, sizeof(why)), rc;

	check(sup == 0 || sup == 1, "cordon_mpk_supported: %d (%s)", sup, why);
	if (sup)
		return;
	check(why[0] != 0, "and says why not");
	rc = cordon_mpk_create(gc_image, gc_image_len, &cfg, &d, err, sizeof(err));
	check(rc == -ENOTSUP && d == NULL && err[0],
	      "a domain with keys refused where there are none: %d (%s)", rc, err);
}

/*
 * Every WRPKRU, XRSTOR, WRFSBASE and WRGSBASE of trusted code, each at its
 * label (gate/gate.S's header, native/README.md "The gate's trusted
 * instructions") and with the check that follows it. A new one anywhere
 * in libcordon.so, or one whose check moved, fails here: it is a gadget to
 * review before it is listed.
 */
static const struct gate_site {
	const char *label, *insn;
	const char *next; /* in the instruction after it */
} gate_sites[] = {
	{ "gate_entry_wrfs", "wrfsbase", "%r10,%rsp" }, /* domain-side code only follows */
	{ "gate_entry_wrpkru", "wrpkru", "test   $0x3,%eax" },
	{ "gate_return_wrpkru", "wrpkru", "rdgsbase" },
	{ "gate_abort_wrpkru", "wrpkru", "rdgsbase" },
	{ "gate_ret_wrgs", "wrgsbase", "<gate_pku>" },
	{ "gate_ret_wrfs", "wrfsbase", "<gate_pku>" },
	{ "gate_bad_wrpkru", "wrpkru", "ud2" },
	{ "gate_resume_xrstor", "xrstor64", "rdgsbase" },
	{ "gate_resume_wrfs", "wrfsbase", "<gate_pku>" },
	{ "gate_resume_wrpkru", "wrpkru", "test   $0x3,%eax" },
	{ "gate_attach_wrpkru", "wrpkru", "rdgsbase" },
	{ "gate_front_wrpkru", "wrpkru", "%rsp,%rax" },
	{ "gate_front_wrgs", "wrgsbase", "<gate_pku>" },
	{ "gate_front_wrfs", "wrfsbase", "<gate_pku>" },
	{ "gate_front_back_wrfs", "wrfsbase", "wrgsbase" },
	{ "gate_front_back_wrgs", "wrgsbase", "<gate_pku>" },
	{ "gate_thread_wrgs", "wrgsbase", "<gate_pku>" },
};
#define NSITES (sizeof(gate_sites) / sizeof(gate_sites[0]))

static int is_guarded_insn(const char *m)
{
	static const char *const all[] = { "wrpkru", "xrstor", "xrstor64", "xrstors",
					   "xrstors64", "wrfsbase", "wrgsbase" };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(m, all[i]))
			return 1;
	return 0;
}

/* The address of each site's label (nm), 0 where missing. */
static void site_addresses(const char *so, unsigned long *addr)
{
	char cmd[600], line[512], name[256];
	unsigned long a;
	size_t i;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nm '%s'", so);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %*s %255s", &a, name) == 2)
			for (i = 0; i < NSITES; i++)
				if (!strcmp(name, gate_sites[i].label))
					addr[i] = a;
	if (f)
		pclose(f);
}

/* One disassembled instruction: "  1157d:\twrfsbase %r14". */
static int parse_insn(const char *line, unsigned long *a, char *m, size_t mlen, const char **rest)
{
	const char *tab = strchr(line, '\t');
	size_t n;

	if (!tab || sscanf(line, " %lx:", a) != 1)
		return 0;
	tab++;
	n = strcspn(tab, " \n");
	if (!n || n >= mlen)
		return 0;
	memcpy(m, tab, n);
	m[n] = 0;
	*rest = tab;
	return 1;
}

static void trusted_instructions(void)
{
	const char *so = path_of(target_dir, "lib/libcordon.so");
	unsigned long addr[NSITES] = { 0 }, a;
	int seen[NSITES] = { 0 }, pending = -1, unlisted = 0, wrong_next = 0, missing = 0;
	char cmd[600], line[512], m[32];
	const char *rest;
	size_t i;
	FILE *f;

	site_addresses(so, addr);
	snprintf(cmd, sizeof(cmd), "objdump -d --no-show-raw-insn '%s'", so);
	f = popen(cmd, "r");
	if (!check(f != NULL, "objdump -d libcordon.so"))
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!parse_insn(line, &a, m, sizeof(m), &rest))
			continue;
		if (pending >= 0) {
			if (!strstr(rest, gate_sites[pending].next)) {
				printf("note: after %s: %s", gate_sites[pending].label, rest);
				wrong_next++;
			}
			pending = -1;
		}
		if (!is_guarded_insn(m))
			continue;
		for (i = 0; i < NSITES && !(addr[i] == a && !strcmp(m, gate_sites[i].insn)); i++)
			;
		if (i == NSITES) {
			printf("note: unlisted %s at %#lx\n", m, a);
			unlisted++;
			continue;
		}
		seen[i]++;
		pending = (int)i;
	}
	pclose(f);
	for (i = 0; i < NSITES; i++)
		missing += seen[i] != 1;
	check(!unlisted && !missing && !wrong_next,
	      "libcordon.so's WRPKRU, XRSTOR, WRFSBASE and WRGSBASE are the %zu listed, each "
	      "followed by its check (%d unlisted, %d missing, %d with another check)",
	      NSITES, unlisted, missing, wrong_next);
}

static int is_legacy_prefix(unsigned char b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 ||
	       b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3;
}

/* An f3 in the run of prefixes that ends at p[j - 1] (a REX last). */
static int f3_before(const unsigned char *p, size_t j)
{
	size_t k = j;

	if (k && (p[k - 1] & 0xf0) == 0x40)
		k--;
	for (; k && is_legacy_prefix(p[k - 1]); k--)
		if (p[k - 1] == 0xf3)
			return 1;
	return 0;
}

/* The same at every byte offset, in every prefix and REX form: one that
 * objdump's instruction stream does not show (inside another instruction)
 * is a gadget too. */
static void hidden_instructions(void)
{
	size_t len, i, j, wr = 0, xr = 0, fsgs = 0, want_wr = 0, want_xr = 0, want_fsgs = 0;
	unsigned char *so = read_file(path_of(target_dir, "lib/libcordon.so"), &len);
	const Elf64_Ehdr *eh = (const void *)so;
	const Elf64_Phdr *ph;
	const unsigned char *p;
	unsigned char r;

	if (!check(so && len > sizeof(*eh), "read libcordon.so"))
		return;
	for (i = 0; i < NSITES; i++) {
		want_wr += !strcmp(gate_sites[i].insn, "wrpkru");
		want_xr += !strncmp(gate_sites[i].insn, "xrstor", 6);
		want_fsgs += !strncmp(gate_sites[i].insn, "wr", 2) && strcmp(gate_sites[i].insn, "wrpkru");
	}
	for (i = 0; i < eh->e_phnum; i++) {
		ph = (const void *)(so + eh->e_phoff + i * sizeof(*ph));
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X) ||
		    ph->p_offset + ph->p_filesz > len)
			continue;
		p = so + ph->p_offset;
		for (j = 1; j + 2 < ph->p_filesz; j++) {
			if (p[j] != 0x0f)
				continue;
			r = p[j + 2];
			wr += p[j + 1] == 0x01 && r == 0xef;
			/* xrstor/xrstor64 0f ae /5, xrstors 0f c7 /3: memory forms */
			xr += (p[j + 1] == 0xae && ((r >> 3) & 7) == 5 && (r >> 6) != 3) ||
			      (p[j + 1] == 0xc7 && ((r >> 3) & 7) == 3 && (r >> 6) != 3);
			/* wrfsbase/wrgsbase: 0f ae /2 or /3, register form, with
			 * an f3 among the prefixes before it (REX last) */
			fsgs += p[j + 1] == 0xae && (r >> 6) == 3 &&
				(((r >> 3) & 7) == 2 || ((r >> 3) & 7) == 3) && f3_before(p, j);
		}
	}
	check(wr == want_wr && xr == want_xr && fsgs == want_fsgs,
	      "at any byte offset libcordon.so holds %zu WRPKRU, %zu XRSTOR and %zu "
	      "WRFSBASE/WRGSBASE, the listed ones (found %zu, %zu, %zu)", want_wr, want_xr,
	      want_fsgs, wr, xr, fsgs);
	free(so);
}

void test_gate(void)
{
	suite("gate: software-only domains");
	trusted_instructions();
	hidden_instructions();
	gate_cases_init("gate_basic.so", CORDON_MPK_SOFTWARE_ONLY);
	if (!gc_image)
		return;
	case_own_ids_refused();
	if (!gate_possible()) {
		skip("the software-only gate cases", "no FSGSBASE or Syscall User Dispatch "
		     "here (they run in the test VM: make vm-test)");
		free(gc_image);
		return;
	}
	unsupported();
	gate_cases_run();
	case_setxid();
	free(gc_image);
}
