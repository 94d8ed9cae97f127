/* The gate's test image (tests/test_gate.c, tests/vm/gate_test.c): calls,
 * errno, registers, system calls, faults, hangs. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cordon/domain.h"

static int64_t result(long rc)
{
	return rc < 0 ? -errno : rc;
}

CORDON_EXPORT int64_t add6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

/* errno after a failing system call, and where errno lives */
CORDON_EXPORT int64_t errno_after_bad_write(void)
{
	errno = 0;
	if (write(-1, "", 0) != -1)
		return -1;
	return errno;
}

CORDON_EXPORT int64_t errno_address(void)
{
	return (int64_t)(uintptr_t)&errno;
}

/* OR of every register that must arrive scrubbed: rax, rbx, rbp,
 * r10, r12..r15, xmm0..xmm15 */
__asm__(".globl peek_regs\n.type peek_regs,@function\npeek_regs:\n"
	"or %rbx, %rax\n or %rbp, %rax\n or %r10, %rax\n or %r12, %rax\n"
	"or %r13, %rax\n or %r14, %rax\n or %r15, %rax\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"movq %xmm\\n, %rcx\n or %rcx, %rax\n .endr\n"
	"ret\n.size peek_regs, .-peek_regs\n");

/* OR of the eight x87 registers as FXSAVE stores them, empty tags or not */
CORDON_EXPORT int64_t peek_x87(void)
{
	unsigned char area[512] __attribute__((aligned(16)));
	uint64_t acc = 0, mant;
	uint16_t exp;
	int i;

	__asm__ volatile("fxsave64 %0" : "=m"(area));
	for (i = 0; i < 8; i++) {
		memcpy(&mant, area + 32 + 16 * i, 8);
		memcpy(&exp, area + 40 + 16 * i, 2);
		acc |= mant | exp;
	}
	return (int64_t)acc;
}

/* Leaves the x87 stack full (eight pushes, no pops) and returns 5: the
 * host's own x87 arithmetic must still work after it. */
__asm__(".globl leave_x87_full\n.type leave_x87_full,@function\nleave_x87_full:\n"
	".rept 8\n fld1\n .endr\n mov $5, %eax\n ret\n"
	".size leave_x87_full, .-leave_x87_full\n");

/* Clobbers every callee-saved register, MXCSR's rounding, DF and AC,
 * then returns 7: the gate must give the host its own back. */
__asm__(".globl clobber_regs\n.type clobber_regs,@function\nclobber_regs:\n"
	"movabs $0x5151515151515151, %rbx\n mov %rbx, %rbp\n mov %rbx, %r12\n"
	"mov %rbx, %r13\n mov %rbx, %r14\n mov %rbx, %r15\n"
	"sub $8, %rsp\n movl $0x7f80, (%rsp)\n ldmxcsr (%rsp)\n add $8, %rsp\n"
	"std\n mov $7, %eax\n ret\n.size clobber_regs, .-clobber_regs\n");

CORDON_EXPORT int64_t do_write(const char *p, int64_t n)
{
	return result(write(1, p, (size_t)n));
}

/* a raw syscall instruction, not through musl */
CORDON_EXPORT int64_t raw_syscall(int64_t nr, int64_t a, int64_t b, int64_t c)
{
	int64_t ret;
	register int64_t r10 __asm__("r10") = 0;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

/* open (relative: in the data dir), write, read back */
CORDON_EXPORT int64_t file_roundtrip(const char *name, const char *text)
{
	char back[128];
	size_t n = strlen(text);
	int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0600);
	ssize_t got;

	if (fd < 0)
		return -errno;
	if (write(fd, text, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1000;
	}
	got = read(fd, back, sizeof(back));
	close(fd);
	if (got != (ssize_t)n || memcmp(back, text, n))
		return -1001;
	return got;
}

CORDON_EXPORT int64_t try_open(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd >= 0)
		close(fd);
	return result(fd);
}

CORDON_EXPORT int64_t clock_ok(void)
{
	struct timespec ts;

	return result(clock_gettime(CLOCK_MONOTONIC, &ts));
}

CORDON_EXPORT int64_t heap_churn(int64_t n)
{
	int64_t i, sum = 0;
	char *p;

	for (i = 0; i < n; i++) {
		p = malloc((size_t)(i % 500) + 1);
		if (!p)
			return -1;
		memset(p, (int)i, (size_t)(i % 500) + 1);
		sum += p[0] & 0xff;
		free(p);
	}
	return sum;
}

CORDON_EXPORT int64_t read_at(const int64_t *p)
{
	return *(volatile const int64_t *)p;
}

CORDON_EXPORT int64_t write_at(int64_t *p, int64_t v)
{
	*(volatile int64_t *)p = v;
	return 0;
}

static int64_t stored;

CORDON_EXPORT int64_t store(int64_t v)
{
	stored = v;
	return 0;
}

CORDON_EXPORT int64_t load(void)
{
	return stored;
}

/* What a domain leaves behind, for the warm-region case: each returns
 * where it wrote v, inside the domain's region. */
static int64_t initialised = 0x1234;

CORDON_EXPORT int64_t data_secret(int64_t v)
{
	initialised = v;
	return (int64_t)(uintptr_t)&initialised;
}

CORDON_EXPORT int64_t bss_secret(int64_t v)
{
	stored = v;
	return (int64_t)(uintptr_t)&stored;
}

/* the middle of a block, away from the allocator's own words */
CORDON_EXPORT int64_t heap_secret(int64_t v)
{
	int64_t *p = malloc(4096);

	if (!p)
		return 0;
	for (int i = 0; i < 512; i++)
		p[i] = v;
	return (int64_t)(uintptr_t)(p + 256);
}

/* the deepest words of a 4 KB frame: later calls' frames are shallower */
CORDON_EXPORT __attribute__((noinline)) int64_t stack_secret(int64_t v)
{
	volatile int64_t frame[512];

	for (int i = 0; i < 512; i++)
		frame[i] = v;
	return (int64_t)(uintptr_t)&frame[0];
}

/* a fresh pool page: what it held when mapped, then v written; where
 * it is in *at (an address in the domain's arena) */
CORDON_EXPORT int64_t pool_secret(int64_t v, int64_t *at)
{
	int64_t *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int64_t was;

	if (p == MAP_FAILED)
		return -1;
	was = *p;
	*p = v;
	*at = (int64_t)(uintptr_t)p;
	return was;
}

CORDON_EXPORT int64_t null_read(void)
{
	return *(volatile int64_t *)0;
}

CORDON_EXPORT int64_t do_ud2(void)
{
	__builtin_trap();
}

CORDON_EXPORT int64_t divide(int64_t a, int64_t b)
{
	volatile int64_t x = a, y = b;

	return x / y;
}

CORDON_EXPORT int64_t do_abort(void)
{
	abort();
}

CORDON_EXPORT int64_t do_exit(void)
{
	_exit(3);
}

CORDON_EXPORT int64_t spin(void)
{
	volatile uint64_t x = 0;

	for (;;)
		x++;
	return (int64_t)x;
}

/* spin until *flag is set (by a signal handler of the host), count loops */
CORDON_EXPORT int64_t spin_until(volatile int64_t *flag)
{
	int64_t n = 0;

	while (!*flag)
		n++;
	return n;
}

/* flag[1] = 1 (the call is running), then spin until flag[0] is set */
CORDON_EXPORT int64_t announce_spin_until(volatile int64_t *flag)
{
	flag[1] = 1;
	return spin_until(flag);
}

/* sleep in a system call (time group) */
CORDON_EXPORT int64_t nap(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	return result(nanosleep(&ts, NULL));
}

/* n raw system calls nr(a) in a row (benchmarks): the last result */
CORDON_EXPORT int64_t syscall_loop(int64_t nr, int64_t n, int64_t a)
{
	int64_t i, r = 0;

	for (i = 0; i < n; i++)
		r = raw_syscall(nr, a, 0, 0);
	return r;
}
