/*
 * A domain that leaves the CPU in a state the gate must not depend on,
 * then leaves by one of its ways out (tests/gate_cases.inc,
 * case_left_state). Built without cordon-cc (raw_*: its verifier would
 * refuse the far return and the segment loads on purpose).
 *
 * leave(kind, how, arg): kind is one of LS_* below, how one of LS_BY_*;
 * arg is the 32-bit code page for LS_COMPAT (the test maps it below
 * 4 GiB). Returns 42 (or getpid's 1 after LS_BY_SYSCALL).
 */
#include <stdint.h>

#include "cordon/domain.h"

CORDON_EXPORT int64_t add(int64_t a, int64_t b)
{
	return a + b;
}

/* The thread's signal stack, from its switch page (gate.h: SW_RECORD 80,
 * the record at block + 0x2000, the signal stack at block + 0x6000). */
#define SIGSTACK_FROM_RECORD "0x4000"

__asm__(".text\n.globl leave\n.type leave,@function\nleave:\n"
	"	mov (%rsp), %r12\n"		/* the gate's return address */
	"	mov %rsi, %r14\n"
	"	mov %rdx, %r15\n"
	"	cmp $1, %edi\n je 1f\n"
	"	cmp $2, %edi\n je 2f\n"
	"	cmp $3, %edi\n je 3f\n"
	"	cmp $4, %edi\n je 4f\n"
	"	cmp $5, %edi\n je 5f\n"
	"	cmp $6, %edi\n je 6f\n"
	"	cmp $7, %edi\n je 7f\n"
	"	cmp $8, %edi\n je 8f\n"
	"	cmp $9, %edi\n je 9f\n"
	"	cmp $10, %edi\n je 10f\n"
	"	cmp $11, %edi\n je 11f\n"
	"	cmp $12, %edi\n je 12f\n"
	"	cmp $13, %edi\n je 13f\n"
	"	cmp $14, %edi\n je 14f\n"
	"	cmp $15, %edi\n je 15f\n"
	"	cmp $16, %edi\n je 16f\n"
	"	cmp $17, %edi\n je 17f\n"
	"	cmp $18, %edi\n je 18f\n"
	"	cmp $19, %edi\n je 19f\n"
	"	jmp 90f\n"
	/* LS_AC: alignment check on */
	"1:	pushfq\n orl $0x40000, (%rsp)\n popfq\n jmp 90f\n"
	/* LS_DF: direction flag set */
	"2:	std\n jmp 90f\n"
	/* LS_TF: single-step: traps after the next instruction */
	"3:	pushfq\n orl $0x100, (%rsp)\n popfq\n jmp 90f\n"
	/* LS_X87_PENDING: every x87 exception unmasked, then 0/0: an
	 * invalid-operation exception pending for the next waiting x87
	 * instruction (or EMMS) */
	"4:	sub $8, %rsp\n movw $0x0340, (%rsp)\n fldcw (%rsp)\n add $8, %rsp\n"
	"	fldz\n fldz\n fdivrp\n jmp 90f\n"
	/* LS_X87_CW: every x87 exception unmasked, round toward zero */
	"5:	sub $8, %rsp\n movw $0x0c40, (%rsp)\n fldcw (%rsp)\n add $8, %rsp\n jmp 90f\n"
	/* LS_MXCSR: every SSE exception unmasked and flagged, FTZ, DAZ */
	"6:	sub $8, %rsp\n movl $0x807f, (%rsp)\n ldmxcsr (%rsp)\n add $8, %rsp\n jmp 90f\n"
	/* LS_AVX: ones in all of ymm0..15, upper halves included */
	"7:	vxorps %ymm0, %ymm0, %ymm0\n vcmptrueps %ymm0, %ymm0, %ymm0\n"
	"	.irp n,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n vmovaps %ymm0, %ymm\\n\n .endr\n"
	"	jmp 90f\n"
	/* LS_DS, LS_ES, LS_FS, LS_GS: the user data selector loaded (a
	 * base of 0 for FS and GS), LS_GS_NULL: the null one */
	"8:	mov $0x2b, %eax\n mov %eax, %ds\n jmp 90f\n"
	"9:	mov $0x2b, %eax\n mov %eax, %es\n jmp 90f\n"
	"10:	mov $0x2b, %eax\n mov %eax, %fs\n jmp 90f\n"
	"11:	mov $0x2b, %eax\n mov %eax, %gs\n jmp 90f\n"
	"12:	xor %eax, %eax\n mov %eax, %gs\n jmp 90f\n"
	/* LS_RSP_SIGSTACK: rsp 512 bytes above the bottom of the thread's
	 * signal stack (too little for a signal frame; the kernel takes its
	 * 128-byte red zone off first, so 64 would not do) */
	"13:	mov %gs:80, %rax\n add $" SIGSTACK_FROM_RECORD " + 512, %rax\n mov %rax, %rsp\n"
	"	jmp 90f\n"
	/* LS_RSP_RECORD: rsp inside the trusted record */
	"14:	mov %gs:80, %rax\n add $0x800, %rax\n mov %rax, %rsp\n jmp 90f\n"
	/* LS_RSP_NONCANON: rsp not canonical */
	"15:	movabs $0x8000000000000000, %rsp\n jmp 90f\n"
	/* LS_COMPAT: a far jump into 32-bit compatibility mode (selector
	 * 0x23) at arg; what runs there is the test's. (A far return did the
	 * same natively; QEMU's TCG pops its operands as supervisor accesses,
	 * which SMAP faults in the kernel: an oops, not a test.) */
	"16:	sub $8, %rsp\n movl %r15d, (%rsp)\n movw $0x23, 4(%rsp)\n ljmpl *(%rsp)\n"
	/* LS_COMPAT_LRET: the same by far return (natively only) */
	"17:	push $0x23\n push %r15\n lretq\n"
	/* LS_SYSENTER: sysenter from 64-bit mode (#UD on AMD; on Intel a
	 * 32-bit system call that returns to a vDSO a 64-bit process has
	 * not got) */
	"18:	mov $20, %eax\n sysenter\n jmp 90f\n"
	/* LS_INT80: int 0x80 (getpid, i386) from 64-bit mode, then on */
	"19:	mov $20, %eax\n int $0x80\n jmp 90f\n"
	/* how: LS_BY_RETURN 0, _FAULT 1, _SYSCALL 2, _SPIN 3 */
	"90:	cmp $1, %r14d\n je 91f\n"
	"	cmp $2, %r14d\n je 92f\n"
	"	cmp $3, %r14d\n je 93f\n"
	"	mov $42, %eax\n jmp *%r12\n"
	"91:	ud2\n"
	"92:	mov $39, %eax\n syscall\n jmp *%r12\n"
	"93:	jmp 93b\n"
	".size leave, .-leave\n");

/* Spins with AC set until *flag (a signal handler of the host sets it). */
__asm__(".globl ac_spin_until\n.type ac_spin_until,@function\nac_spin_until:\n"
	"	pushfq\n orl $0x40000, (%rsp)\n popfq\n"
	"1:	cmpq $0, (%rdi)\n je 1b\n"
	"	pushfq\n andl $~0x40000, (%rsp)\n popfq\n"
	"	mov $42, %eax\n ret\n"
	".size ac_spin_until, .-ac_spin_until\n");
