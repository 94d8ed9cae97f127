/* What a domain might try in the process backend; each returns -errno. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "cordon/domain.h"

static int64_t result(long rc)
{
	return rc < 0 ? -errno : rc;
}

CORDON_EXPORT int64_t add(int64_t a, int64_t b)
{
	return a + b;
}

/* A buffer argument: sum its bytes, and upper-case it in place. */
CORDON_EXPORT int64_t sum_and_upcase(uint8_t *p, int64_t n)
{
	int64_t sum = 0, i;

	for (i = 0; i < n; i++) {
		sum += p[i];
		if (p[i] >= 'a' && p[i] <= 'z')
			p[i] = (uint8_t)(p[i] - 'a' + 'A');
	}
	return sum;
}

CORDON_EXPORT int64_t try_open(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd >= 0)
		close(fd);
	return result(fd);
}

CORDON_EXPORT int64_t try_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return result(pid);
}

CORDON_EXPORT int64_t try_write_stdout(void)
{
	return result(write(1, "x", 1));
}

CORDON_EXPORT int64_t try_kill_parent(void)
{
	return result(kill(getppid(), SIGTERM));
}

CORDON_EXPORT int64_t try_execve(void)
{
	char *const argv[] = { "/bin/true", 0 };
	char *const envp[] = { 0 };

	return result(execve("/bin/true", argv, envp));
}

CORDON_EXPORT int64_t try_ptrace_parent(void)
{
	return result(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, getppid(), 0, 0));
}

CORDON_EXPORT int64_t try_prctl(void)
{
	return result(syscall(SYS_prctl, 15 /* PR_SET_NAME */, "x", 0, 0, 0));
}

/* x32 numbers: the same syscall with bit 30 set */
CORDON_EXPORT int64_t try_x32_getpid(void)
{
	return result(syscall(0x40000000 | SYS_getpid));
}

/* signals to ourselves are allowed (signal 0 only probes) */
CORDON_EXPORT int64_t try_kill_self(void)
{
	return result(kill(getpid(), 0));
}

CORDON_EXPORT int64_t try_socket(void)
{
	return result(socket(AF_INET, SOCK_STREAM, 0));
}

/* The raw syscall: musl's mmap() turns EPERM into ENOMEM. */
CORDON_EXPORT int64_t try_mmap_exec(void)
{
	return result(syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
}

CORDON_EXPORT int64_t try_mprotect_exec(void)
{
	char *p = malloc(8192);
	uintptr_t page = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	int64_t r = result(mprotect((void *)page, 4096, PROT_READ | PROT_EXEC));

	free(p);
	return r;
}

CORDON_EXPORT int64_t try_mmap(int64_t size)
{
	void *p = mmap(0, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, (size_t)size);
	return 0;
}

/* Write `text` to `name` (relative: inside --data), read it back. */
CORDON_EXPORT int64_t write_read(const char *name, const char *text)
{
	char back[256];
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

CORDON_EXPORT int64_t heap_roundtrip(int64_t n)
{
	char *p = malloc((size_t)n);

	if (!p)
		return -errno;
	memset(p, 7, (size_t)n);
	free(p);
	return 0;
}

CORDON_EXPORT int64_t null_read(void)
{
	volatile int *p = 0;

	return *p;
}

CORDON_EXPORT int64_t do_abort(void)
{
	abort();
}

CORDON_EXPORT int64_t spin(void)
{
	volatile uint64_t x = 0;

	for (;;)
		x++;
	return (int64_t)x;
}
