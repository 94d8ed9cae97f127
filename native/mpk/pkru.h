/*
 * RDPKRU and WRPKRU. This is the only WRPKRU in Cordon's trusted code:
 * every change of PKRU goes through cordon_wrpkru, so the places that can
 * open a domain's memory are the callers of this one function. (Domain
 * code may hold none at all: mpk/inspect.c refuses it.)
 *
 * Both need ECX = 0; RDPKRU also zeroes EDX, WRPKRU needs EDX = 0. The
 * "memory" clobber keeps the compiler from moving loads and stores across
 * a change of rights. Only valid where the CPU has PKU and the kernel set
 * CR4.PKE (cordon_mpk_available()); elsewhere they raise #UD (SIGILL).
 */
#ifndef CORDON_MPK_PKRU_H
#define CORDON_MPK_PKRU_H

#include <stdint.h>

static inline uint32_t cordon_rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0) : "memory");
	return eax;
}

static inline void cordon_wrpkru(uint32_t pkru)
{
	__asm__ volatile("wrpkru" : : "a"(pkru), "c"(0), "d"(0) : "memory");
}

#endif
