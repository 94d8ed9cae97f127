/* cordon-host end to end: this process plays the JVM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "chan.h"
#include "cordon/libcordon.h"
#include "harness.h"
#include "suites.h"

#define ROUND_TRIPS 20000

static unsigned char *image;
static size_t image_len;
static volatile sig_atomic_t got_sigterm;

static void on_sigterm(int sig)
{
	(void)sig;
	got_sigterm = 1;
}

/* Spawn a host for the hostile image; 0 once it is READY. */
static int start(struct chan *c, uint32_t nslots, const char *const *extra)
{
	char err[256] = "";
	int rc;

	if (chan_open(c, image, image_len, nslots))
		return check(0, "create the channel"), -1;
	rc = chan_spawn(c, extra, err, sizeof(err));
	if (!check(rc > 0, "spawn cordon-host (%s)", err))
		return -1;
	rc = chan_wait_ready(c);
	if (!check(rc == CORDON_HOST_READY, "host READY (state %d: %s)", rc, c->hdr->error))
		return -1;
	return 0;
}

/* Call fn(args) on slot 0; the result, or INT64_MIN when the status is not OK. */
static int64_t call(struct chan *c, int64_t fn, int64_t a0, int64_t a1, uint32_t mask)
{
	int64_t args[CORDON_MAX_ARGS] = { a0, a1 }, r = 0;

	if (chan_request(c, 0, CORDON_OP_CALL, (uint32_t)fn, args, mask, &r) != CORDON_STATUS_OK)
		return INT64_MIN;
	return r;
}

/* fn(path) with the path in the arena */
static int64_t call_str(struct chan *c, int64_t fn, const char *s)
{
	/* fn is resolved before: resolving writes the name into the arena */
	strcpy((char *)chan_arena(c, 0), s);
	return call(c, fn, 0, 0, 1);
}

/* Back-to-back calls on one slot all answer right. What a round trip
 * costs is the benchmark's (GateBenchmark.emptyCall_process, ./cordon
 * bench), not a test's: it depends on the machine. */
static void round_trips(struct chan *c, int64_t add)
{
	int i, wrong = 0;

	for (i = 0; i < ROUND_TRIPS; i++)
		wrong += call(c, add, i, 1, 0) != i + 1;
	check(wrong == 0, "%d round trips: each answered right (%d wrong)", ROUND_TRIPS, wrong);
}

static void protocol(struct chan *c)
{
	int64_t add = chan_resolve(c, "add"), sum = chan_resolve(c, "sum_and_upcase");
	int64_t args[CORDON_MAX_ARGS] = { 0 }, r = 0;
	uint64_t arena = CHAN_STRIDE - CORDON_SLOT_HEAD;
	unsigned char *a = chan_arena(c, 0);

	check(c->hdr->host_pid == (uint32_t)c->pid, "host_pid is the child's pid");
	check(add >= 0 && sum >= 0 && add != sum, "resolve add and sum_and_upcase");
	check(chan_resolve(c, "add") == add, "resolving again gives the same index");
	check(call(c, add, 40, 2, 0) == 42, "call add(40, 2) = 42");
	round_trips(c, add);
	args[0] = 1;
	args[1] = 2;
	check(chan_request(c, 1, CORDON_OP_CALL, (uint32_t)add, args, 0, &r) == 0 && r == 3,
	      "slot 1 serves calls too");

	memcpy(a + 100, "hello", 5);
	check(call(c, sum, 100, 5, 1) == 'h' + 'e' + 'l' + 'l' + 'o' &&
	      !memcmp(a + 100, "HELLO", 5), "buffer argument read and written in place");
	check(call(c, sum, (int64_t)arena, 0, 1) == 0, "offset == arena_size is allowed");
	args[0] = (int64_t)arena + 1;
	args[1] = 0;
	check(chan_request(c, 0, CORDON_OP_CALL, (uint32_t)sum, args, 1, &r) ==
	      CORDON_STATUS_BAD_ARG, "offset past the arena: BAD_ARG");
	args[0] = -1;
	check(chan_request(c, 0, CORDON_OP_CALL, (uint32_t)sum, args, 1, &r) ==
	      CORDON_STATUS_BAD_ARG, "negative offset: BAD_ARG");
	check(chan_request(c, 0, CORDON_OP_CALL, (uint32_t)add, args, 1u << 6, &r) ==
	      CORDON_STATUS_BAD_ARG, "ptr_mask bit past the arguments: BAD_ARG");
	check(chan_request(c, 0, CORDON_OP_CALL, 200, args, 0, &r) == CORDON_STATUS_BAD_FN,
	      "unknown function index: BAD_FN");
	check(chan_request(c, 0, 9, 0, args, 0, &r) == CORDON_STATUS_BAD_OP, "unknown op: BAD_OP");
	check(chan_resolve(c, "no_such_function") == -CORDON_STATUS_NO_SYMBOL,
	      "missing symbol: NO_SYMBOL");
	memset(a, 'a', arena);
	check(chan_request(c, 0, CORDON_OP_RESOLVE, 0, NULL, 0, &r) == CORDON_STATUS_BAD_ARG,
	      "name without NUL: BAD_ARG");
}

/* Exports of tests/images/hostile.c that the seccomp filter must refuse. */
static const struct {
	const char *fn, *what;
} denied[] = {
	{ "try_execve", "execve" },
	{ "try_ptrace_parent", "ptrace" },
	{ "try_prctl", "prctl" },
	{ "try_x32_getpid", "an x32 syscall number" },
	{ "try_socket", "socket" },
	{ "try_mmap_exec", "mmap(PROT_EXEC)" },
	{ "try_mprotect_exec", "mprotect(PROT_EXEC)" },
};

static void sandbox(struct chan *c)
{
	int64_t r;
	size_t i;

	r = call_str(c, chan_resolve(c, "try_open"), "/etc/passwd");
	check(r < 0, "open(\"/etc/passwd\") fails (%lld)", (long long)r);
	r = call(c, chan_resolve(c, "try_fork"), 0, 0, 0);
	check(r == -EPERM, "fork fails with EPERM (%lld)", (long long)r);
	r = call(c, chan_resolve(c, "try_write_stdout"), 0, 0, 0);
	check(r < 0, "write(1) fails (%lld)", (long long)r);
	r = call(c, chan_resolve(c, "try_kill_parent"), 0, 0, 0);
	check(r == -EPERM && !got_sigterm, "kill(getppid(), SIGTERM) fails with EPERM (%lld), "
	      "we got no signal", (long long)r);
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		r = call(c, chan_resolve(c, denied[i].fn), 0, 0, 0);
		check(r == -EPERM, "%s fails with EPERM (%lld)", denied[i].what, (long long)r);
	}
	r = call(c, chan_resolve(c, "try_kill_self"), 0, 0, 0);
	check(r == 0, "kill(getpid(), 0) is allowed (%lld)", (long long)r);
	r = call_str(c, chan_resolve(c, "try_open"), "/proc/self/mem");
	check(r < 0, "open(\"/proc/self/mem\") fails (%lld)", (long long)r);
	r = call(c, chan_resolve(c, "heap_roundtrip"), 1 << 20, 0, 0);
	check(r == 0, "malloc(1 MiB) from the domain heap (%lld)", (long long)r);
}

static void fault(struct chan *c)
{
	int64_t fn = chan_resolve(c, "null_read");
	int rc = chan_request(c, 0, CORDON_OP_CALL, (uint32_t)fn, NULL, 0, NULL);

	check(rc == -1, "a faulting call never completes");
	check(chan_reap(c, 5000) && WIFEXITED(c->status) && WEXITSTATUS(c->status) == 128 + 11,
	      "host exits with 128+SIGSEGV (status 0x%x)", c->status);
	check(c->hdr->fault_signal == 11 && c->hdr->fault_address == 0 && c->hdr->fault_ip != 0,
	      "header: signal %d, address 0x%llx, ip 0x%llx", c->hdr->fault_signal,
	      (unsigned long long)c->hdr->fault_address, (unsigned long long)c->hdr->fault_ip);
	check(c->hdr->host_state == CORDON_HOST_FAILED && contains(c->hdr->error, "signal 11"),
	      "host_state FAILED: %s", c->hdr->error);
}

/* The i386 entry is another architecture to seccomp: the filter ends the
 * host before the call runs, so the parent gets no signal. */
static void foreign_entry(void)
{
	unsigned char *hostile = image;
	size_t hostile_len = image_len;
	struct chan c;
	int rc;

	image = read_file(path_of(target_dir, "test/images/foreign_entry.so"), &image_len);
	if (!check(image != NULL, "read foreign_entry.so")) {
		image = hostile;
		image_len = hostile_len;
		return;
	}
	if (start(&c, 1, NULL) == 0) {
		rc = chan_request(&c, 0, CORDON_OP_CALL,
				  (uint32_t)chan_resolve(&c, "try_int80_kill_parent"), NULL, 0, NULL);
		check(rc == -1, "int $0x80 kill(parent): the call never completes");
		check(chan_reap(&c, 5000) && WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGSYS &&
		      !got_sigterm, "int $0x80: the host is killed by SIGSYS (status 0x%x), we got "
		      "no SIGTERM", c.status);
	}
	chan_close(&c);
	free(image);
	image = hostile;
	image_len = hostile_len;
}

static void main_host(void)
{
	struct chan c;

	if (start(&c, 2, NULL) == 0) {
		protocol(&c);
		sandbox(&c);
		fault(&c);
	}
	chan_close(&c);
}

static void data_dir(void)
{
	char dir[1024];
	const char *extra[] = { "--data", dir, NULL };
	unsigned char *a;
	struct chan c;
	int64_t r;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path_of(target_dir, "test/data"));
	mkdir(dir, 0700);
	if (start(&c, 1, extra) == 0) {
		int64_t fn = chan_resolve(&c, "write_read"); /* uses the arena */

		a = chan_arena(&c, 0);
		strcpy((char *)a, "note.txt");
		strcpy((char *)a + 512, "written by the domain");
		r = call(&c, fn, 0, 512, 3);
		check(r == 21, "--data: a file beneath DIR is written and read (%lld)", (long long)r);
		check(stat(path_of(dir, "note.txt"), &st) == 0 && st.st_size == 21,
		      "--data: the file is in DIR");
		r = call_str(&c, chan_resolve(&c, "try_open"), "/etc/passwd");
		check(r == -EACCES, "--data: /etc/passwd still refused (%lld)", (long long)r);
		r = call_str(&c, chan_resolve(&c, "try_open"), "../multi.log");
		check(r == -EACCES, "--data: no way out with ../ (%lld)", (long long)r);
	}
	chan_close(&c);
	check(c.reaped && WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0,
	      "slots DEAD: host exits 0 (status 0x%x)", c.status);
}

/* --syscalls withholds whole groups: what is left out fails with EPERM. */
static void syscall_groups(void)
{
	const char *time_only[] = { "--syscalls", "time", NULL };
	struct chan c;
	int64_t r;

	if (start(&c, 1, time_only) == 0) {
		r = call(&c, chan_resolve(&c, "add"), 2, 3, 0);
		check(r == 5, "--syscalls time: plain calls still work (%lld)", (long long)r);
		r = call(&c, chan_resolve(&c, "try_write_stdout"), 0, 0, 0);
		check(r == -EPERM, "--syscalls time: write withheld, EPERM not EBADF (%lld)", (long long)r);
		/* musl reports an anonymous mmap's EPERM as ENOMEM */
		r = call(&c, chan_resolve(&c, "try_mmap"), 4096, 0, 0);
		check(r == -EPERM || r == -ENOMEM, "--syscalls time: mmap withheld (%lld)", (long long)r);
	}
	chan_close(&c);
}

/* Calls that end the host with a reported signal. */
static void fatal(const char *fn, const char *const *extra, int sig)
{
	struct chan c;

	if (start(&c, 1, extra) == 0) {
		call(&c, chan_resolve(&c, fn), 0, 0, 0);
		check(chan_reap(&c, 10000) && WIFEXITED(c.status) &&
		      WEXITSTATUS(c.status) == 128 + sig && c.hdr->fault_signal == sig,
		      "%s: signal %d reported, status 0x%x", fn, c.hdr->fault_signal, c.status);
	}
	chan_close(&c);
}

static void memory_limit(void)
{
	const char *extra[] = { "--memory", "268435456", NULL };
	struct chan c;
	int64_t fn;

	if (start(&c, 1, extra) == 0) {
		fn = chan_resolve(&c, "try_mmap");
		check(call(&c, fn, 512 << 20, 0, 0) == -ENOMEM, "--memory 256 MiB: 512 MiB refused");
		check(call(&c, fn, 16 << 20, 0, 0) == 0, "--memory 256 MiB: 16 MiB fine");
	}
	chan_close(&c);
}

/* A host that must refuse to start, saying `want`. */
static void refuses(const char *what, void (*spoil)(struct chan *), const void *img,
		    size_t len, const char *const *extra, const char *want)
{
	struct chan c;
	char err[256];
	int st;

	if (chan_open(&c, img, len, 2))
		return (void)check(0, "%s: create the channel", what);
	if (spoil)
		spoil(&c);
	if (check(chan_spawn(&c, extra, err, sizeof(err)) > 0, "%s: spawn", what)) {
		st = chan_wait_ready(&c);
		check(st == CORDON_HOST_FAILED && contains(c.hdr->error, want) &&
		      chan_reap(&c, 5000) && WIFEXITED(c.status) && WEXITSTATUS(c.status) == 1,
		      "%s: FAILED, exit 1, \"%s\"", what, c.hdr->error);
	}
	chan_close(&c);
}

static void bad_magic(struct chan *c)
{
	c->hdr->magic = 1;
}

static void bad_slots(struct chan *c)
{
	c->hdr->slots_offset = 1u << 30;
}

static void startup_errors(void)
{
	const char *threads3[] = { "--threads", "3", NULL };
	const char *bogus[] = { "--bogus", "1", NULL };
	const char *badgroup[] = { "--syscalls", "io,sockets", NULL };
	const char *nodir[] = { "--data", "/nonexistent/cordon", NULL };
	unsigned char *patched = malloc(image_len), *p;
	char err[256] = "";
	char *argv[] = { "x", NULL };
	int rc;

	refuses("bad magic", bad_magic, image, image_len, NULL, "header: bad magic");
	refuses("slots outside", bad_slots, image, image_len, NULL, "header: slots end past");
	refuses("--threads mismatch", NULL, image, image_len, threads3,
		"header: nslots 2 but --threads 3");
	refuses("unknown option", NULL, image, image_len, bogus, "args: unknown option --bogus");
	refuses("unknown syscall group", NULL, image, image_len, badgroup,
		"args: --syscalls: unknown group sockets");
	refuses("not an image", NULL, "garbage, not ELF", 16, NULL,
		"image: image too small for an ELF header");
	refuses("missing --data dir", NULL, image, image_len, nodir,
		"landlock: --data /nonexistent/cordon: No such file");
	/* rename cordon_domain_init wherever its name appears */
	memcpy(patched, image, image_len);
	for (p = patched; (p = memmem(p, image_len - (size_t)(p - patched),
				      "cordon_domain_init", 18)); p += 18)
		p[17] = 'X';
	refuses("no cordon_domain_init", NULL, patched, image_len, NULL,
		"image: no cordon_domain_init");
	free(patched);

	rc = cordon_spawn_host("/nonexistent/cordon-host", argv, 0, err, sizeof(err));
	check(rc == -ENOENT && contains(err, "/nonexistent/cordon-host"),
	      "spawn of a missing binary: %d, %s", rc, err);
	rc = cordon_spawn_host(NULL, argv, 0, err, sizeof(err));
	check(rc == -EINVAL, "spawn with NULL path: %d, %s", rc, err);
}

void test_host(const char *images)
{
	const char *cpu[] = { "--cpu-seconds", "1", NULL };
	char rel[128];

	suite(strcmp(images, "confined") ? "cordon-host" : "cordon-host, confined images");
	signal(SIGTERM, on_sigterm);
	snprintf(rel, sizeof(rel), "test/%s/hostile.so", images);
	image = read_file(path_of(target_dir, rel), &image_len);
	if (!check(image != NULL, "read hostile.so"))
		return;
	main_host();
	if (strcmp(images, "confined"))
		foreign_entry();
	data_dir();
	syscall_groups();
	fatal("do_abort", NULL, SIGABRT);
	fatal("spin", cpu, SIGXCPU);
	memory_limit();
	startup_errors();
	free(image);
}
