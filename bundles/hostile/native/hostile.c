/*
 * A deliberately hostile domain image: one exported function per kind of
 * misbehaviour a native library can commit, so tests can check that Cordon
 * contains each one (and that the JVM survives it).
 *
 * Every misbehaviour goes through a volatile object or an asm statement:
 * undefined behaviour the compiler can see (a NULL dereference, an endless
 * recursion, an unused malloc) may otherwise be folded into a trap, a loop or
 * nothing at all, and the test would exercise something other than its name.
 *
 * Results are int64_t; a failed system call returns -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cordon/domain.h>

#define GIB (1ull << 30)

/* A healthy call: the control case. */
CORDON_EXPORT int64_t h_echo(int64_t x)
{
    return x;
}

/* Read address 0. The pointer is read from a volatile so the compiler cannot
 * know it is NULL (GCC would otherwise emit ud2 instead of the load). */
CORDON_EXPORT int64_t h_null_read(void)
{
    volatile int64_t *volatile p = NULL;
    return *p;
}

/* Write far outside the image, to an address nothing maps. */
CORDON_EXPORT int64_t h_wild_write(void)
{
    volatile int64_t *volatile p = (volatile int64_t *)0x7e5700000000ull;
    *p = 0x706f776e6564;
    return 0;
}

/* Never reached (-1 stays -1): gives recurse() a return path, so GCC can
 * neither treat it as noreturn nor turn it into a loop. */
static volatile int64_t depth_limit = -1;

/* Non-tail recursion with a 1 KiB frame whose bytes are used after the call. */
__attribute__((noinline, noclone))
static int64_t recurse(int64_t depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    frame[sizeof frame - 1] = (char)depth;
    if (depth == depth_limit)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[sizeof frame - 1];
}

CORDON_EXPORT int64_t h_stack_overflow(void)
{
    return recurse(0);
}

/* Spin forever; the volatile counter keeps it a real loop with side effects. */
CORDON_EXPORT int64_t h_infinite_loop(void)
{
    volatile uint64_t n = 0;
    for (;;)
        n++;
}

/* musl's abort(): raise(SIGABRT), then resets SIGABRT to default and retries,
 * then a hlt (SIGSEGV). NB: musl's raise() takes its tid from the thread
 * pointer, i.e. from the host's thread block. */
CORDON_EXPORT int64_t h_abort(void)
{
    abort();
}

/* Integer division by the argument (pass 0): #DE, SIGFPE. */
CORDON_EXPORT int64_t h_divide_by_zero(int64_t zero)
{
    volatile int64_t dividend = 42;
    volatile int64_t divisor = zero;
    return dividend / divisor;
}

/* ud2: SIGILL. */
CORDON_EXPORT int64_t h_illegal_instruction(void)
{
    __asm__ volatile("ud2");
    return 0;
}

/*
 * Ask for 16 GiB twice: from malloc (the domain's heap should refuse) and
 * from the kernel directly (the sandbox should refuse; no MAP_POPULATE, so
 * even a granted mapping costs no memory). Storing into volatiles keeps GCC
 * from deleting the malloc/free pair. 0: both refused, 1: either granted.
 */
CORDON_EXPORT int64_t h_huge_alloc(void)
{
    volatile size_t size = 16 * GIB;
    void *volatile heap = malloc(size);
    void *volatile map = mmap(NULL, size, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int64_t granted = heap != NULL || map != MAP_FAILED;
    free(heap);
    if (map != MAP_FAILED)
        munmap(map, size);
    return granted;
}

/* Read a host file the domain has no business reading. */
CORDON_EXPORT int64_t h_open_passwd(uint8_t *out, size_t cap)
{
    int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, out + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    return (int64_t)got;
}

/* Create a file where it may (uswitch: "/" is its data directory); who owns
 * it tells whose uid the domain's system calls ran as. */
CORDON_EXPORT int64_t h_create_file(void)
{
    int fd = open("/created-by-domain", O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, "mine\n", 5);
    int e = errno;
    close(fd);
    return n < 0 ? -e : n;
}

/*
 * Start a shell. The raw fork system call, not musl's fork(): that one reads
 * and writes musl's thread structure through the thread pointer, which in a
 * domain points at the host's thread block. The child only execs or exits.
 * Returns the child's pid (not waited for) or -errno.
 */
CORDON_EXPORT int64_t h_fork_exec(void)
{
    long pid = syscall(SYS_fork);
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        char *argv[] = { "sh", "-c", "echo pwned by a Cordon domain", NULL };
        char *envp[] = { NULL };
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    return pid;
}

/* Write to the host's stdout. */
CORDON_EXPORT int64_t h_write_stdout(void)
{
    ssize_t n = write(1, "pwned\n", 6);
    return n < 0 ? -errno : n;
}

/* Write to a descriptor the domain was never given (EBADF unless the host
 * happens to have fd 1000 open). */
CORDON_EXPORT int64_t h_write_high_fd(void)
{
    ssize_t n = write(1000, "pwned\n", 6);
    return n < 0 ? -errno : n;
}

/* Write to a descriptor number the JVM has open (the test names it): the
 * domain's own table must not have it. */
CORDON_EXPORT int64_t h_write_fd(int64_t fd)
{
    ssize_t n = write((int)fd, "pwned\n", 6);
    return n < 0 ? -errno : n;
}

/* Kill the parent of the JVM (e.g. the shell or Maven that started it).
 * Only ever call this inside a sandbox that denies it. */
CORDON_EXPORT int64_t h_kill_parent(void)
{
    return kill(getppid(), SIGKILL) < 0 ? -errno : 0;
}

/* Claim to have produced more bytes than the caller's buffer holds: the
 * host must not trust a length it did not check. */
CORDON_EXPORT int64_t h_bad_length(uint8_t *out, size_t cap)
{
    (void)out;
    return (int64_t)(cap + 4096);
}

/* Sleep (for timeout and concurrency tests); restarts after a signal. */
CORDON_EXPORT int64_t h_sleep_ms(int64_t ms)
{
    if (ms < 0)
        ms = 0;
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&t, &t) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

/* --- attacks on an in-process (mpk) domain: memory outside its own --- */

/* Read 8 bytes at an address chosen by the caller (the JVM's memory, another
 * domain's). */
CORDON_EXPORT int64_t h_peek(int64_t address)
{
    volatile int64_t *volatile p = (volatile int64_t *)(uintptr_t)address;
    return *p;
}

/* Write 8 bytes at an address chosen by the caller. */
CORDON_EXPORT int64_t h_poke(int64_t address, int64_t value)
{
    volatile int64_t *volatile p = (volatile int64_t *)(uintptr_t)address;
    *p = value;
    return 0;
}

/* A buffer of the domain's own, for another domain to aim at. */
static volatile int64_t own_buffer[512];

CORDON_EXPORT int64_t h_own_buffer(int64_t value)
{
    own_buffer[0] = value;
    return (int64_t)(uintptr_t)own_buffer;
}

CORDON_EXPORT int64_t h_read_own_buffer(void)
{
    return own_buffer[0];
}

/*
 * Change the mapping of the page holding `address` (the JVM's memory), by
 * raw system call so nothing in musl stands in the way: 0 mprotect to
 * PROT_NONE, 1 pkey_mprotect to key 0 (its own key to the JVM's page), 2
 * munmap, 3 mremap. Returns the raw result (-errno).
 */
CORDON_EXPORT int64_t h_remap_host(int64_t which, int64_t address)
{
    long page = (long)(address & ~4095ll);
    switch (which) {
    case 0:
        return syscall(SYS_mprotect, page, 4096, PROT_NONE) < 0 ? -errno : 0;
    case 1:
        return syscall(SYS_pkey_mprotect, page, 4096, PROT_READ | PROT_WRITE, 0) < 0 ? -errno : 0;
    case 2:
        return syscall(SYS_munmap, page, 4096) < 0 ? -errno : 0;
    case 3:
        return syscall(SYS_mremap, page, 4096, 8192, 1 /* MREMAP_MAYMOVE */) < 0 ? -errno : 0;
    }
    return -EINVAL;
}

/* The whole address space as a file. */
CORDON_EXPORT int64_t h_open_proc_self_mem(void)
{
    long fd = syscall(SYS_open, "/proc/self/mem", O_RDWR);
    return fd < 0 ? -errno : fd;
}

/* Write into our own process (the JVM, for an in-process domain) at
 * `address`, through the kernel. */
CORDON_EXPORT int64_t h_process_vm_write(int64_t address, int64_t value)
{
    int64_t v = value;
    struct { void *base; size_t len; } local = { &v, sizeof v },
        remote = { (void *)(uintptr_t)address, sizeof v };
    long n = syscall(SYS_process_vm_writev, (long)syscall(SYS_getpid), &local, 1L, &remote, 1L, 0L);
    return n < 0 ? -errno : n;
}

/* Write a byte at %gs:offset: on the mpk backend, the thread's switch page
 * (selector, expected PKRU), which domains may read and must not write. */
CORDON_EXPORT int64_t h_write_gs(int64_t offset, int64_t value)
{
    __asm__ volatile("movb %b1, %%gs:(%0)" : : "r"(offset), "r"(value) : "memory");
    return 0;
}
