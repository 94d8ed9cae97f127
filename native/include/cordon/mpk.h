/*
 * Intel MPK (protection keys for user pages): the kernel calls, the PKRU
 * values of the two sides, and a domain region tagged with its own key.
 * Every function returns 0 (or a key) on success and a negative errno on
 * failure; none of them prints or aborts.
 */
#ifndef CORDON_MPK_H
#define CORDON_MPK_H

#include <stddef.h>
#include <stdint.h>

#define CORDON_PKEY_COUNT 16 /* keys 0..15; 0 is every untagged page's */

/* pkey_alloc(2), pkey_free(2), pkey_mprotect(2) by raw syscall, as -errno.
 * cordon_pkey_alloc asks for a key with no access rights withheld in the
 * calling thread: the key or -errno (-ENOSPC: all in use; -EINVAL: no PKU).
 * cordon_pkey_free refuses key 0 and keys past 15 (-EINVAL) itself. It does
 * not touch PKRU: a freed key keeps whatever rights threads gave it. */
int cordon_pkey_alloc(void);
int cordon_pkey_free(int key);
int cordon_pkey_mprotect(void *addr, size_t len, int prot, int key);

/* 1 if the CPU has PKU, the kernel enabled it (OSPKE) and a key can
 * actually be allocated and freed; 0 otherwise. The trial key stays open
 * in the calling thread's PKRU (pkey_free does not close it): harmless on
 * the trusted side, which has every key open anyway. */
int cordon_mpk_available(void);

/*
 * PKRU values. Two bits per key k: bit 2k access-disable, bit 2k+1
 * write-disable.
 *
 * Trusted side: 0, every key open. The host must reach every domain's
 * memory (arguments, results, tearing down), and its own memory is key 0.
 *
 * Domain side: only its own key open; key 0 too is closed. Key 0 is all
 * untagged memory: the JVM heap, glibc, the host's stacks. A domain runs on
 * stacks, heap and argument areas inside its own region (DESIGN.md,
 * "domain"), so its own key is all it needs; whatever it must reach outside
 * is copied in by the gate. Instruction fetch is not checked against keys,
 * so the domain's code pages need no rights in PKRU either. Invalid keys
 * (outside 1..15) give the all-closed value: fails safe.
 */
uint32_t cordon_pkru_trusted(void);
uint32_t cordon_pkru_for_domain(int key);

/* A domain's region: anonymous read-write memory tagged with a key of its
 * own. Nothing in it is executable. */
struct cordon_region {
	unsigned char *base;
	size_t size;  /* rounded up to whole pages */
	int key;
};

/* Map `size` bytes, allocate a key, tag the whole region with it. On
 * failure nothing is left behind and *out is zeroed (key -1). */
int cordon_region_create(size_t size, struct cordon_region *out);
/* Unmap and free the key. NULL or an already destroyed region: nothing. */
int cordon_region_destroy(struct cordon_region *r);

#endif
