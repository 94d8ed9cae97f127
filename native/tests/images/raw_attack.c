/* What a hostile domain tries against the mpk gate (tests/vm/gate_test.c):
 * jumps into the gate with registers, flags, stack and GS of its choosing,
 * writes to its switch page through %gs. Built without cordon-cc (raw_*):
 * the jumps are what confined control flow forbids. */
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

/*
 * jump_hostile(target, eax, gadget, fake, mode, steal): jumps to target
 * with eax as given, ecx = edx = 0, rdi = rsi = r14 = fake, r11 = steal.
 * mode 1: GS = fake first, through gadget (a host page holding
 * "wrgsbase %rdi; ret": a WRGSBASE elsewhere in the process); mode 2: rsp
 * 512 bytes into this thread's signal stack (gate.h: the record at
 * block + 0x2000, the signal stack at block + 0x6000); mode 4: AC and DF.
 */
__asm__(".globl jump_hostile\n.type jump_hostile,@function\njump_hostile:\n"
	"	mov %rdi, %r12\n mov %rsi, %r13\n mov %r9, %r11\n mov %rcx, %r14\n"
	"	mov %gs:80, %r15\n add $0x4000 + 512, %r15\n"
	"	test $1, %r8d\n jz 1f\n"
	"	mov %rcx, %rdi\n push %r11\n push %r8\n call *%rdx\n pop %r8\n pop %r11\n"
	"1:	test $4, %r8d\n jz 2f\n pushfq\n orl $0x40400, (%rsp)\n popfq\n"
	"2:	test $2, %r8d\n jz 3f\n mov %r15, %rsp\n"
	"3:	mov %r13d, %eax\n xor %ecx, %ecx\n xor %edx, %edx\n"
	"	mov %r14, %rdi\n mov %r14, %rsi\n jmp *%r12\n"
	".size jump_hostile, .-jump_hostile\n");
