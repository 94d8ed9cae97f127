/*
 * Confined images (CONFINEMENT.md): what cordon-cc --confined builds and
 * refuses, the check of musl's libc.a, and confined code run end to end
 * through the loader's table, with objdump's boundaries standing in for
 * the verifier (targets.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"
#include "targets.h"

int64_t host_call_export(const void *fn, const int64_t args[6]);
extern const char host_export_return[];

/* sh -c cmd with stdout and stderr into `log`; exit status, and the log */
static int run_log(const char *cmd, const char *log, char **text)
{
	char full[4096];
	size_t len;
	int st;

	snprintf(full, sizeof(full), "%s >%s 2>&1", cmd, log);
	st = system(full);
	*text = (char *)read_file(log, &len);
	if (*text)
		(*text)[len] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void check_libc(const char *what, const char *libc, int want_rc, const char *want)
{
	char cmd[1024], *out = NULL;
	int rc;

	snprintf(cmd, sizeof(cmd), "%s/lib/check-confined %s", target_dir, libc);
	rc = run_log(cmd, path_of(target_dir, "test/check-confined.log"), &out);
	check(rc == want_rc && (!want || contains(out, want)),
	      "check-confined on %s: exit %d (want %d)%s%s", what, rc, want_rc,
	      want ? ", says " : "", want ? want : "");
	free(out);
}

/* cordon-cc FLAGS SRC must fail, saying `want` */
static void refused(const char *flags, const char *src, const char *want)
{
	char cmd[2048], *out = NULL;
	int rc;

	snprintf(cmd, sizeof(cmd), "%s/bin/cordon-cc %s -o %s %s", target_dir, flags,
		 path_of(target_dir, "test/refused-confined.so"), src);
	rc = run_log(cmd, path_of(target_dir, "test/refused-confined.log"), &out);
	check(rc != 0 && contains(out, want), "cordon-cc %s %s refused: \"%s\"", flags,
	      src, want);
	free(out);
}

/* The note's descriptor as readelf prints it: version 1, then the flags. */
static void note(const char *image, const char *desc)
{
	char cmd[1024], *out = NULL;

	snprintf(cmd, sizeof(cmd), "readelf -nW %s", image);
	run_log(cmd, path_of(target_dir, "test/note.log"), &out);
	check(contains(out, "Cordon") && contains(out, desc), "%s: .note.cordon %s", image, desc);
	free(out);
}

/* cordon-cc without --confined or --unconfined builds a confined image */
static void default_is_confined(void)
{
	char cmd[2048];
	const char *out = path_of(target_dir, "test/default.so");
	char *log = NULL;

	snprintf(cmd, sizeof(cmd), "%s/bin/cordon-cc -o %s %s/images/basic.c", target_dir, out,
		 tests_dir);
	if (check(run_log(cmd, path_of(target_dir, "test/default.log"), &log) == 0,
		  "cordon-cc with no mode flag builds basic.c (%s)", log ? log : ""))
		note(out, "01 00 00 00 01 00 00 00");
	free(log);
}

static void builds(void)
{
	char src[512];

	check_libc("Debian's stock musl libc.a", "/usr/lib/x86_64-linux-musl/libc.a", 1,
		   "ret is a return");
	check_libc("the rebuilt musl libc.a", path_of(target_dir, "lib/musl/libc.a"), 0, NULL);
	note(path_of(target_dir, "test/confined/basic.so"), "01 00 00 00 01 00 00 00");
	note(path_of(target_dir, "test/images/basic.so"), "01 00 00 00 00 00 00 00");
	snprintf(src, sizeof(src), "%s/images/gate_basic.c", tests_dir);
	refused("--confined", src, "ret is a return");
	refused("", src, "ret is a return"); /* confined is the default */
	default_is_confined();
	snprintf(src, sizeof(src), "%s/images/bad_tls.c", tests_dir);
	refused("--confined", src, "not supported in domains");
	refused("", "x.cpp", "C++ is not supported in domains");
	refused("--confined", "-x c++ x.c", "C++ is not supported in domains");
}

struct loaded {
	struct cordon_image *img;
	const char *path;
};

static int load_confined(const char *name, struct loaded *l)
{
	char err[256] = "", rel[128];
	unsigned char *b;
	size_t len;
	int rc;

	snprintf(rel, sizeof(rel), "test/confined/%s", name);
	l->path = path_of(target_dir, rel);
	b = read_file(l->path, &len);
	if (!check(b && cordon_image_load(b, len, &l->img, err, sizeof(err)) == 0,
		   "load %s: %s", name, err)) {
		free(b);
		return -1;
	}
	free(b);
	rc = cordon_image_fill_table(l->img, host_export_return, objdump_targets,
				     (void *)l->path, err, sizeof(err));
	return check(rc == 0, "%s: table filled (%s)", name, err) ? 0 : -1;
}

static int64_t call2(struct loaded *l, const char *fn, int64_t a, int64_t b)
{
	int64_t args[6] = { a, b };

	return host_call_export(cordon_image_symbol(l->img, fn), args);
}

static void runs(void)
{
	struct loaded l;
	char err[256] = "";

	if (load_confined("basic.so", &l))
		return;
	check(call2(&l, "add", 40, 2) == 42, "confined add(40, 2) = 42");
	check(call2(&l, "word_length", 3, 0) == 5, "word_length(3) = 5: strlen through the thunks");
	check(!strcmp(perms_of(cordon_image_symbol(l.img, "__cordon_table")), "r--p"),
	      "__cordon_table is read-only once filled");
	check(cordon_image_fill_table(l.img, host_export_return, objdump_targets,
				      (void *)l.path, err, sizeof(err)) == -ENOEXEC &&
	      contains(err, "filled already"), "a second fill is refused (%s)", err);
	cordon_image_unload(l.img);
	if (load_confined("confined_libc.so", &l))
		return;
	check(call2(&l, "jump_back", 5, 0) == 5, "setjmp/longjmp: longjmp's jump through the thunk");
	check(call2(&l, "copy_and_sum", 100, 0) == 300, "musl's rewritten memset and memcpy");
	check(call2(&l, "sorted", 0, 0) == 1, "qsort calls the image's comparator through a thunk");
	cordon_image_unload(l.img);
}

#define AT_BAD_TARGET 42 /* the child's exit: SIGILL at __cordon_bad_target */

static void *bad_target;

static void on_sigill(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	_exit(si->si_addr == bad_target ? AT_BAD_TARGET : 1);
}

/* fn(a) in a child: AT_BAD_TARGET if a check stopped it, else its exit
 * status or termination signal + 128 */
static int child_ends(struct loaded *l, const char *fn, int64_t a)
{
	struct sigaction sa = { .sa_sigaction = on_sigill, .sa_flags = SA_SIGINFO };
	pid_t pid;
	int st;

	bad_target = cordon_image_symbol(l->img, "__cordon_bad_target");
	pid = fork();
	if (pid == 0) {
		sigaction(SIGILL, &sa, NULL);
		call2(l, fn, a, 0);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void contained(void)
{
	struct loaded l;
	int64_t outside = (int64_t)(uintptr_t)&child_ends, inside;

	if (load_confined("confined_escape.so", &l))
		return;
	inside = (int64_t)(uintptr_t)cordon_image_symbol(l.img, "call_seven") + 1;
	check(call2(&l, "call_seven", 0, 0) == 7, "an indirect call inside the image runs");
	check(child_ends(&l, "call_address", outside) == AT_BAD_TARGET,
	      "an indirect call out of the image ends on __cordon_bad_target");
	check(child_ends(&l, "call_inside_seven", 0) == AT_BAD_TARGET,
	      "an indirect call into the middle of an instruction: __cordon_bad_target");
	check(child_ends(&l, "return_to", outside) == AT_BAD_TARGET,
	      "a return to a forged address outside: __cordon_bad_target");
	check(child_ends(&l, "return_to", inside) == AT_BAD_TARGET,
	      "a return into the middle of an instruction: __cordon_bad_target");
	cordon_image_unload(l.img);
}

/* tables the fill must refuse, never write */
static void refused_tables(void)
{
	char err[256] = "";
	struct cordon_image *img = NULL;
	unsigned char *b;
	size_t len;

	b = read_image("bad_table_relro.so", &len);
	if (check(b && cordon_image_load(b, len, &img, err, sizeof(err)) == 0,
		  "load bad_table_relro.so: %s", err)) {
		check(cordon_image_fill_table(img, host_export_return, objdump_targets,
					      (void *)path_of(target_dir, "test/images/bad_table_relro.so"),
					      err, sizeof(err)) == -ENOEXEC &&
		      contains(err, "outside RELRO"), "a table in RELRO is refused: %s", err);
		cordon_image_unload(img);
	}
	free(b);
	img = NULL;
	b = read_image("basic.so", &len);
	if (check(b && cordon_image_load(b, len, &img, err, sizeof(err)) == 0,
		  "load the unconfined basic.so: %s", err)) {
		check(cordon_image_fill_table(img, host_export_return, objdump_targets,
					      (void *)path_of(target_dir, "test/images/basic.so"),
					      err, sizeof(err)) == -ENOEXEC &&
		      contains(err, "not a confined image"), "an unconfined image has no table: %s", err);
		cordon_image_unload(img);
	}
	free(b);
}

void test_confined(void)
{
	suite("confined images");
	builds();
	runs();
	contained();
	refused_tables();
}
