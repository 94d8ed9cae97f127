/*
 * The pure parts of the JNI path: descriptors as kinds (jni/kinds.c, both
 * sides), the modified UTF-8 check the shim puts every domain string
 * through, and cordon-jni-host's one widening of the filter (threads.c),
 * run through tests/bpf_run.c in front of cordon-host's own program.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "bpf_run.h"
#include "cordon/jni_channel.h"
#include "harness.h"
#include "host/host.h"
#include "jni/kinds.h"
#include "jnihost/threads.h"
#include "policy/policy.h"

#define ARCH_X86_64 0xc000003eu
#define CLONE_THREAD_FLAG 0x00010000u
#define THREAD_FLAGS 0x003d0f00u /* glibc's pthread_create */

static void kinds(void)
{
	char k[CORDON_JNI_MAX_KINDS];
	char big[600];
	size_t i;

	check(cordon_jni_kinds("(I[BLjava/lang/String;)J", k, sizeof(k)) == 3 && !strcmp(k, "ILL)J"),
	      "kinds: (I[BLjava/lang/String;)J -> ILL)J (%s)", k);
	check(cordon_jni_kinds("()V", k, sizeof(k)) == 0 && !strcmp(k, ")V"), "kinds: ()V -> )V");
	check(cordon_jni_kinds("(ZBCSIJFD[[J)[Ljava/lang/Object;", k, sizeof(k)) == 9 && !strcmp(k, "ZBCSIJFDL)L"),
	      "kinds: every primitive, a 2-D array, an array return (%s)", k);
	check(cordon_jni_kinds("(I", k, sizeof(k)) < 0, "kinds: no ')' is malformed");
	check(cordon_jni_kinds("(Q)V", k, sizeof(k)) < 0, "kinds: an unknown letter is malformed");
	check(cordon_jni_kinds("(L;)V", k, sizeof(k)) < 0, "kinds: an empty class name is malformed");
	check(cordon_jni_kinds("(Ljava/lang/String)V", k, sizeof(k)) < 0, "kinds: a class without ';' is malformed");
	check(cordon_jni_kinds("()VV", k, sizeof(k)) < 0, "kinds: anything after the return type is malformed");
	check(cordon_jni_kinds("(I)[", k, sizeof(k)) < 0, "kinds: an array of nothing is malformed");
	big[0] = '(';
	for (i = 1; i < 300; i++)
		big[i] = 'I';
	strcpy(big + 300, ")V");
	check(cordon_jni_kinds(big, k, sizeof(k)) < 0, "kinds: 299 parameters do not fit %zu kinds", sizeof(k));
	check(cordon_jni_field_letter("I") == 'I' && cordon_jni_field_letter("[B") == 'L' &&
	      cordon_jni_field_letter("Lx;") == 'L', "field letters: I, [B, Lx;");
	check(!cordon_jni_field_letter("") && !cordon_jni_field_letter("II") && !cordon_jni_field_letter("V"),
	      "field letters: empty, two types and void are none");
	check(cordon_jni_kinds_valid("LII)J") && cordon_jni_kinds_valid(")V"), "kinds valid: LII)J, )V");
	check(!cordon_jni_kinds_valid("LII") && !cordon_jni_kinds_valid("X)V") && !cordon_jni_kinds_valid("I)VV") &&
	      !cordon_jni_kinds_valid("I)") && !cordon_jni_kinds_valid("I)Q"),
	      "kinds valid: no ')', a bad letter, two returns, none, a bad return are refused");
}

static int utf(const char *s, size_t n)
{
	return cordon_jni_mutf8_valid((const unsigned char *)s, n);
}

static void mutf8(void)
{
	check(utf("plain", 5) && utf("h\xc3\xa9llo", 6) && utf("\xe2\x82\xac", 3) && utf("", 0),
	      "modified UTF-8: ASCII, two- and three-byte sequences, empty");
	check(utf("\xc0\x80", 2), "modified UTF-8: NUL as C0 80 (Java's own form)");
	check(!utf("a\0b", 3), "modified UTF-8: a raw NUL byte is refused");
	check(!utf("\xc3", 1) && !utf("\xe2\x82", 2), "modified UTF-8: a sequence cut short is refused");
	check(!utf("\xc3(", 2) && !utf("\xe2(\xac", 3), "modified UTF-8: a bad continuation byte is refused");
	check(!utf("\xf0\x9f\x98\x80", 4) && !utf("\x80", 1) && !utf("\xff", 1),
	      "modified UTF-8: four-byte sequences, stray continuations and FF are refused");
}

/* the prefix in front of cordon-host's program, as host_seccomp builds it */
static int program(struct bpf_insn *out, size_t max, int with_prefix)
{
	static struct host h;
	uint32_t tid = 1234;
	struct cordon_process_ctx ctx = {
		.groups = CORDON_SYS_ALL, .landlocked = 1, .pid = 1000, .tids = &tid, .ntids = 1,
	};
	int n;

	h.filter_prefix_len = 0;
	if (with_prefix)
		jh_allow_threads(&h);
	memcpy(out, h.filter_prefix, h.filter_prefix_len * sizeof(*out));
	n = cordon_process_filter(&ctx, out + h.filter_prefix_len, max - h.filter_prefix_len);
	return n < 0 ? n : n + (int)h.filter_prefix_len;
}

static uint32_t verdict(const struct bpf_insn *p, int len, uint32_t arch, uint32_t nr, uint64_t arg0)
{
	struct bpf_data d = { .nr = nr, .arch = arch, .args = { arg0 } };

	return bpf_run(p, len, &d, NULL);
}

static void threads(void)
{
	static struct bpf_insn with[600], without[600];
	int a = program(with, 600, 1), b = program(without, 600, 0);
	unsigned nr, differ = 0;

	if (!check(a > 0 && b > 0 && a > b, "threads: the prefix builds (%d instructions in all, %d without)", a, b))
		return;
	check(verdict(with, a, ARCH_X86_64, SYS_clone, THREAD_FLAGS) == SC_ALLOW,
	      "threads: clone with CLONE_THREAD (pthread_create) is allowed");
	check(verdict(without, b, ARCH_X86_64, SYS_clone, THREAD_FLAGS) != SC_ALLOW,
	      "threads: ... and cordon-host's own program refuses it");
	check(verdict(with, a, ARCH_X86_64, SYS_clone, 17 /* SIGCHLD: fork */) == (SC_ERRNO | EPERM),
	      "threads: clone without CLONE_THREAD (a fork) gets EPERM");
	check(verdict(with, a, ARCH_X86_64, SYS_clone3, 0) == (SC_ERRNO | ENOSYS),
	      "threads: clone3 gets ENOSYS (glibc falls back to clone)");
	check(verdict(with, a, 0x40000003u /* i386 */, SYS_clone, THREAD_FLAGS) == SC_KILL_PROCESS,
	      "threads: a foreign architecture is killed before anything else");
	for (nr = 0; nr < 460; nr++) {
		if (nr == SYS_clone || nr == SYS_clone3)
			continue;
		if (verdict(with, a, ARCH_X86_64, nr, CLONE_THREAD_FLAG) !=
		    verdict(without, b, ARCH_X86_64, nr, CLONE_THREAD_FLAG))
			differ++;
	}
	check(differ == 0, "threads: every other syscall gets cordon-host's verdict (%u differ)", differ);
}

void test_jni(void)
{
	suite("jni");
	kinds();
	mutf8();
	threads();
}
