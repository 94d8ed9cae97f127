/* cordon-cc: multi-file builds with -I/-D, and the images it must refuse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

/* Run a shell command with stderr into `log`; its exit status. */
static int run(const char *cmd, const char *log)
{
	char full[4096];
	int st;

	snprintf(full, sizeof(full), "%s >%s 2>&1", cmd, log);
	st = system(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void multi_file(void)
{
	char cmd[2048], err[256] = "";
	const char *out = path_of(target_dir, "test/multi.so");
	const char *log = path_of(target_dir, "test/multi.log");
	struct cordon_image *img = NULL;
	unsigned char *b;
	size_t len;
	void *f;

	remove(out);
	snprintf(cmd, sizeof(cmd), "%s/bin/cordon-cc --unconfined -o %s -I%s/cc/inc -DMAGIC=42 %s/cc/part_a.c %s/cc/part_b.c",
		 target_dir, out, tests_dir, tests_dir, tests_dir);
	if (!check(run(cmd, log) == 0, "multi-file build with -I and -D"))
		return;
	b = read_file(out, &len);
	if (check(b && cordon_image_load(b, len, &img, err, sizeof(err)) == 0,
		  "load multi.so: %s", err)) {
		f = cordon_image_symbol(img, "multi");
		check(f && ((int64_t (*)(void))(uintptr_t)f)() == 1042,
		      "code from both files and the -D value");
		cordon_image_unload(img);
	}
	free(b);
}

static void refused(const char *src, const char *want)
{
	char cmd[2048];
	const char *out = path_of(target_dir, "test/refused.so");
	const char *log = path_of(target_dir, "test/refused.log");
	unsigned char *msg;
	size_t len;

	remove(out);
	snprintf(cmd, sizeof(cmd), "%s/bin/cordon-cc --unconfined -o %s %s/images/%s",
		 target_dir, out, tests_dir, src);
	check(run(cmd, log) != 0, "%s refused", src);
	check(!exists(out), "%s: no output left behind", src);
	msg = read_file(log, &len);
	if (msg)
		msg[len] = 0;
	check(contains((char *)msg, want), "%s: message says \"%s\"", src, want);
	free(msg);
}

static void no_musl(void)
{
	char cmd[2048];
	const char *log = path_of(target_dir, "test/nomusl.log");
	unsigned char *msg;
	size_t len;

	snprintf(cmd, sizeof(cmd), "PATH=/nonexistent /bin/sh %s/bin/cordon-cc -o %s/test/x.so %s/images/basic.c",
		 target_dir, target_dir, tests_dir);
	check(run(cmd, log) != 0, "without musl-gcc on PATH cordon-cc fails");
	msg = read_file(log, &len);
	if (msg)
		msg[len] = 0;
	check(contains((char *)msg, "install musl-tools"), "and says: install musl-tools");
	free(msg);
}

void test_cordon_cc(void)
{
	suite("cordon-cc");
	multi_file();
	refused("bad_tls.c", "thread-local storage (PT_TLS)");
	refused("bad_undef.c", "undefined reference to `missing_fn'");
	no_musl();
}
