/*
 * The mpk backend's gate on this machine, through libcordon.so: software-
 * only domains (no keys, no WRPKRU; everything else of the gate runs:
 * stack and FS switch, Syscall User Dispatch, fault containment,
 * deadlines). The same cases under real keys: tests/vm/gate_test.c.
 */
#include <elf.h>
#include <sys/auxv.h>
#include <sys/prctl.h>

#include "harness.h"
#include "suites.h"

#define GATE_PKRU_OK() 1 /* software only: PKRU is never changed */

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

/* libcordon.so's executable bytes hold exactly the WRPKRUs (7) and the
 * XRSTOR (1) that gate/gate.S documents with their checks, at any byte
 * offset: a new one anywhere is a gadget to review. */
static void pkru_writers(void)
{
	size_t len, i, j, wr = 0, xr = 0;
	unsigned char *so = read_file(path_of(target_dir, "lib/libcordon.so"), &len);
	const Elf64_Ehdr *eh = (const void *)so;
	const Elf64_Phdr *ph;
	const unsigned char *p;

	if (!check(so && len > sizeof(*eh), "read libcordon.so"))
		return;
	for (i = 0; i < eh->e_phnum; i++) {
		ph = (const void *)(so + eh->e_phoff + i * sizeof(*ph));
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X) ||
		    ph->p_offset + ph->p_filesz > len)
			continue;
		p = so + ph->p_offset;
		for (j = 0; j + 2 < ph->p_filesz; j++) {
			if (p[j] != 0x0f)
				continue;
			wr += p[j + 1] == 0x01 && p[j + 2] == 0xef;
			xr += p[j + 1] == 0xae && ((p[j + 2] >> 3) & 7) == 5 && (p[j + 2] >> 6) != 3;
		}
	}
	check(wr == 7 && xr == 1, "libcordon.so's code writes PKRU only in gate.S's 7 WRPKRU "
	      "and 1 XRSTOR (found %zu and %zu)", wr, xr);
	free(so);
}

void test_gate(void)
{
	suite("gate: software-only domains");
	pkru_writers();
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
