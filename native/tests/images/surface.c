/* System call entries besides `syscall` that a distribution kernel offers
 * (tests/vm/surface_cases.inc): the 32-bit ones a 64-bit process can
 * still reach, and x32. */
#include <stdint.h>

#include "cordon/domain.h"

/* the i386 entry: int $0x80, numbers and arguments of the i386 table */
CORDON_EXPORT int64_t int80(int64_t nr, int64_t a, int64_t b, int64_t c)
{
	int64_t ret = nr;

	__asm__ volatile("int $0x80" : "+a"(ret) : "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* the x32 ABI: the x86-64 numbers with bit 30 set */
CORDON_EXPORT int64_t x32_syscall(int64_t nr, int64_t a, int64_t b, int64_t c)
{
	int64_t ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr | 0x40000000), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

/* a raw 64-bit system call with six arguments */
CORDON_EXPORT int64_t syscall6(int64_t nr, int64_t a, int64_t b, int64_t c, int64_t d, int64_t e)
{
	int64_t ret;
	register int64_t r10 __asm__("r10") = d;
	register int64_t r8 __asm__("r8") = e;
	register int64_t r9 __asm__("r9") = 0;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10),
			 "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return ret;
}

/* open a path of the domain's (its data directory is "/" or the base) */
CORDON_EXPORT int64_t open_dir(const char *path)
{
	return syscall6(257 /* openat */, -100 /* AT_FDCWD */, (int64_t)(uintptr_t)path,
			0200000 /* O_DIRECTORY */, 0, 0);
}

/* the fast 32-bit entry, from 64-bit code (the kernel's compat entry on
 * Intel, #UD on AMD) */
CORDON_EXPORT int64_t sysenter_call(int64_t nr)
{
	int64_t ret = nr;

	__asm__ volatile("sysenter" : "+a"(ret) : : "rcx", "rdx", "r11", "memory");
	return ret;
}
