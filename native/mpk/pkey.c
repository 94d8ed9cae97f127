/*
 * The protection-key system calls, CPU detection and the PKRU values of
 * include/cordon/mpk.h. Raw syscalls, not libc wrappers: musl has none for
 * pkeys, and older glibc neither.
 */
#include <cpuid.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cordon/mpk.h"

/* x86-64 numbers, for libc headers that predate them */
#ifndef SYS_pkey_mprotect
#define SYS_pkey_mprotect 329
#endif
#ifndef SYS_pkey_alloc
#define SYS_pkey_alloc 330
#endif
#ifndef SYS_pkey_free
#define SYS_pkey_free 331
#endif

#define CPUID7_ECX_PKU   (1u << 3)
#define CPUID7_ECX_OSPKE (1u << 4)

static int as_result(long rc)
{
	return rc < 0 ? -errno : (int)rc;
}

int cordon_pkey_alloc(void)
{
	/* flags 0 (none defined), rights 0: this thread may use the key */
	return as_result(syscall(SYS_pkey_alloc, 0UL, 0UL));
}

int cordon_pkey_free(int key)
{
	/* Linux lets key 0 be freed (it counts as allocated) and then hands
	 * it out again, while every untagged page still carries it */
	if (key < 1 || key >= CORDON_PKEY_COUNT)
		return -EINVAL;
	return as_result(syscall(SYS_pkey_free, (long)key));
}

int cordon_pkey_mprotect(void *addr, size_t len, int prot, int key)
{
	return as_result(syscall(SYS_pkey_mprotect, addr, len, (long)prot, (long)key));
}

int cordon_mpk_available(void)
{
	unsigned eax, ebx, ecx, edx;
	int key;

	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	(void)eax, (void)ebx, (void)edx;
	/* OSPKE: the kernel set CR4.PKE, so RDPKRU/WRPKRU will not #UD */
	if (!(ecx & CPUID7_ECX_PKU) || !(ecx & CPUID7_ECX_OSPKE))
		return 0;
	/* the kernel may still refuse (pkeys disabled, all keys taken) */
	key = cordon_pkey_alloc();
	if (key < 0)
		return 0;
	cordon_pkey_free(key);
	return 1;
}

uint32_t cordon_pkru_trusted(void)
{
	return 0;
}

uint32_t cordon_pkru_for_domain(int key)
{
	uint32_t closed = 0xffffffffu; /* AD and WD for every key */

	if (key < 1 || key >= CORDON_PKEY_COUNT)
		return closed;
	return closed & ~(3u << (2 * key));
}
