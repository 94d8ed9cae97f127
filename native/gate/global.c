/*
 * What the mpk backend needs from the CPU and the kernel, found out once
 * per process: FSGSBASE (the gate switches FS and GS without syscalls),
 * XSAVE (a handler restores the domain's vector state), Syscall User
 * Dispatch, and for real domains PKU with OSPKE. Then the process-wide
 * set-up that every domain shares: the thread arena, the protection keys
 * (switch key, parking key, domain keys) and the signal fronts.
 */
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>

#include "cordon/mpk.h"
#include "gate.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif
#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#endif

#define XFEATURE_PKRU 9

struct gate_global gate_g = { .switch_key = -1 };
uint8_t gate_pku, gate_avx, gate_avx512;
uint32_t gate_xrfbm_lo, gate_xrfbm_hi;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static int fail(char *why, size_t len, const char *what)
{
	if (why && len)
		snprintf(why, len, "%s", what);
	return 0;
}

/* 1 if usable; else 0 and why. need_pku: real domains, not software only. */
int gate_cpu_check(char *why, size_t len, int need_pku)
{
	unsigned a, b, c, d;

	if (__get_cpuid_max(0, NULL) < 7)
		return fail(why, len, "CPU too old (no CPUID leaf 7)");
	__cpuid(1, a, b, c, d);
	if (!(c & bit_XSAVE) || !(c & bit_OSXSAVE))
		return fail(why, len, "no XSAVE enabled by the kernel");
	if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE))
		return fail(why, len, "no FSGSBASE (needs Linux >= 5.9 and the CPU feature)");
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0))
		return fail(why, len, "no Syscall User Dispatch in this kernel");
	if (need_pku && !cordon_mpk_available())
		return fail(why, len, "no protection keys (PKU/OSPKE) usable");
	(void)a, (void)b, (void)d;
	return 1;
}

static void find_vector_state(void)
{
	unsigned a, b, c, d;
	uint64_t xcr0 = xgetbv0();

	__cpuid_count(7, 0, a, b, c, d);
	gate_avx = (xcr0 & 6) == 6;
	gate_avx512 = gate_avx && (b & bit_AVX512F) && (xcr0 & 0xe0) == 0xe0;
	xcr0 &= ~(1ull << XFEATURE_PKRU);
	gate_xrfbm_lo = (uint32_t)xcr0;
	gate_xrfbm_hi = (uint32_t)(xcr0 >> 32);
	__cpuid_count(0xd, XFEATURE_PKRU, a, b, c, d);
	gate_g.pkey_off = b; /* offset of PKRU in the standard XSAVE format */
	(void)c, (void)d;
}

static void init_once(void)
{
	int rc;

	if (!gate_cpu_check(gate_g.why, sizeof(gate_g.why), 0)) {
		gate_g.error = -ENOTSUP;
		return;
	}
	find_vector_state();
	gate_g.pku = cordon_mpk_available();
	if (gate_g.pku) {
		rc = keys_init(&gate_g.keys, CORDON_PKEY_COUNT);
		if (rc) {
			snprintf(gate_g.why, sizeof(gate_g.why),
				 "protection keys: %s", strerror(-rc));
			gate_g.pku = 0;
			gate_g.keys = NULL;
		} else {
			gate_g.switch_key = keys_switch_key(gate_g.keys);
		}
	}
	gate_pku = (uint8_t)gate_g.pku;
	gate_g.kctx = gate_g.pku && gate_kctx_probe();
	rc = gate_arena_init();
	if (!rc)
		rc = gate_signals_install();
	if (rc) {
		snprintf(gate_g.why, sizeof(gate_g.why), "gate set-up: %s", strerror(-rc));
		gate_g.error = rc;
		return;
	}
	gate_g.ready = 1;
}

int gate_global_init(void)
{
	pthread_once(&once, init_once);
	return gate_g.ready ? 0 : (gate_g.error ? gate_g.error : -ENOTSUP);
}

/* The domain side's PKRU for a domain key: only that key open, and the
 * switch key readable (not writable) so that %gs: reads work. */
uint32_t gate_pkru_for(int key)
{
	uint32_t v = cordon_pkru_for_domain(key);

	if (gate_g.switch_key > 0)
		v &= ~(1u << (2 * gate_g.switch_key));
	return v;
}

__attribute__((visibility("default")))
int cordon_mpk_supported(char *why, size_t len)
{
	/* not gate_cpu_check(.., 1): its trial pkey_alloc fails once the
	 * process-wide set-up holds every key, so a second caller (another
	 * framework in the same JVM) would be told there is no PKU */
	if (gate_global_init()) {
		fail(why, len, gate_g.why);
		return 0;
	}
	if (!gate_g.pku)
		return fail(why, len, gate_g.why[0] ? gate_g.why : "no protection keys (PKU/OSPKE) usable");
	if (why && len)
		why[0] = 0;
	return 1;
}

__attribute__((visibility("default")))
int cordon_uswitch_supported(char *why, size_t len)
{
	if (!cordon_mpk_supported(why, len))
		return 0;
	if (!gate_g.kctx)
		return fail(why, len, "no kernel contexts in this kernel (CONFIG_KERNEL_CONTEXTS, "
			    "kernel/patches)");
	if (!gate_kctx_can_chroot())
		return fail(why, len, "no CAP_SYS_CHROOT: a domain's data directory cannot "
			    "be made its \"/\"");
	return 1;
}
