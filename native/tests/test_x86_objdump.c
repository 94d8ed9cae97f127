/*
 * The verifier's decoder (verify/x86.h) against binutils' objdump -d: the
 * same instruction boundaries, instruction by instruction, on every test
 * image, the domain runtime, libcordon.so, cordon-host and every object of
 * musl's libc.a (the Makefile passes the archives in CORDON_DECODE_ARCHIVES,
 * space-separated: the stock libc.a, and the rebuilt one once there).
 * Where objdump prints (bad), the decoder must refuse too.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "objdump_runs.h"
#include "suites.h"
#include "verify/x86.h"

#define SHOWN_PER_FILE 5

struct tally {
	size_t insns, objects, diffs, diff_objects;
	char last_object[256], last_diff_object[256];
};

static void show_diff(const struct od_run *run, const struct od_insn *o, int rc, unsigned mine)
{
	char hex[3 * 16 + 1] = "";
	unsigned i, n = o->len ? o->len : 1;

	for (i = 0; i < n && i < 16 && o->off + i < run->len; i++)
		sprintf(hex + 3 * i, "%02x ", run->bytes[o->off + i]);
	printf("  %s %s+%#llx: bytes %s| objdump: %u bytes \"%s\" | decoder: %s",
	       run->object, run->section, (unsigned long long)(run->addr + o->off), hex,
	       o->len, o->text, rc ? x86_error_name(rc) : "");
	if (!rc)
		printf("%u bytes", mine);
	printf("\n");
}

static void compare_run(const struct od_run *run, void *ctx)
{
	struct tally *t = ctx;
	struct x86_insn in;
	size_t i;
	int rc;

	if (strcmp(t->last_object, run->object)) {
		snprintf(t->last_object, sizeof(t->last_object), "%s", run->object);
		t->objects++;
	}
	for (i = 0; i < run->n; i++) {
		const struct od_insn *o = &run->insns[i];

		rc = x86_decode(run->bytes, run->len, o->off, &in);
		t->insns++;
		if (o->bad ? rc != 0 : (rc == 0 && in.len == o->len))
			continue;
		if (t->diffs++ < SHOWN_PER_FILE)
			show_diff(run, o, rc, rc ? 0 : in.len);
		if (strcmp(t->last_diff_object, run->object)) {
			snprintf(t->last_diff_object, sizeof(t->last_diff_object), "%s", run->object);
			t->diff_objects++;
		}
	}
}

static void compare_file(const char *path)
{
	struct tally t = { 0 };
	const char *name = path;

	if (!check(od_each_run(path, compare_run, &t) == 0, "objdump -d %s ran", name))
		return;
	check(t.diffs == 0 && t.insns > 0,
	      "%s: %zu instructions in %zu objects; differing from objdump's: %zu in %zu objects",
	      name, t.insns, t.objects, t.diffs, t.diff_objects);
}

/* every *.suffix file in dir */
static void compare_dir(const char *where, const char *suffix)
{
	char dir[1024];
	struct dirent *e;
	DIR *d;
	size_t n, k = strlen(suffix);
	int any = 0;

	snprintf(dir, sizeof(dir), "%s", where); /* path_of's buffers rotate */
	d = opendir(dir);
	if (!check(d != NULL, "%s exists", dir))
		return;
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (n > k && !strcmp(e->d_name + n - k, suffix)) {
			compare_file(path_of(dir, e->d_name));
			any = 1;
		}
	}
	closedir(d);
	check(any, "%s holds *%s files", dir, suffix);
}

/* each path of a space-separated list */
static void compare_list(const char *list)
{
	char path[1024];
	size_t n;

	while (*list) {
		n = strcspn(list, " ");
		if (n && n < sizeof(path)) {
			snprintf(path, sizeof(path), "%.*s", (int)n, list);
			compare_file(path);
		}
		list += n;
		list += strspn(list, " ");
	}
}

void test_x86_objdump(void)
{
	const char *archives = getenv("CORDON_DECODE_ARCHIVES");

	suite("verify: decoder against objdump");
	compare_dir(path_of(target_dir, "test/images"), ".so");
	compare_dir(path_of(target_dir, "test/verify"), ".o");
	compare_file(path_of(target_dir, "lib/libcordon-rt.a"));
	/* more compiled code: gcc -O2 with glibc's headers, and a static musl program */
	compare_file(path_of(target_dir, "lib/libcordon.so"));
	compare_file(path_of(target_dir, "bin/cordon-host"));
	compare_list(archives && *archives ? archives : "/usr/lib/x86_64-linux-musl/libc.a");
}
