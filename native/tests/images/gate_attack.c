/* What a hostile domain tries against the mpk gate (tests/vm/gate_test.c):
 * jumps into the gate with registers of its choosing, writes to its
 * switch page through %gs. */
#include <stdint.h>

#include "cordon/domain.h"

static volatile int64_t *loot;

CORDON_EXPORT int64_t set_loot(int64_t *p)
{
	loot = p;
	return 0;
}

/* where a jump into the gate should never lead with PKRU 0 */
CORDON_EXPORT int64_t steal(void)
{
	return *loot;
}

CORDON_EXPORT int64_t add(int64_t a, int64_t b)
{
	return a + b;
}

/* jump_with(target, eax, r11, rdi): eax/ecx/edx as WRPKRU wants them, r11
 * (the gate's function register) and rdi as given; the return address on
 * the stack is this function's caller's */
__asm__(".globl jump_with\n.type jump_with,@function\njump_with:\n"
	"mov %rdi, %rax\n mov %rdx, %r11\n mov %rcx, %rdi\n"
	"push %rax\n mov %esi, %eax\n xor %ecx, %ecx\n xor %edx, %edx\n"
	"ret\n.size jump_with, .-jump_with\n");

/* the switch page's field at off (gate.h's SW_*) */
CORDON_EXPORT int64_t write_switch(int64_t off, int64_t v)
{
	__asm__ volatile("movb %b1, %%gs:(%0)" : : "r"(off), "r"(v) : "memory");
	return 1;
}

CORDON_EXPORT int64_t read_switch_u32(int64_t off)
{
	uint32_t v;

	__asm__ volatile("movl %%gs:(%1), %0" : "=r"(v) : "r"(off));
	return v;
}
