/* The C tests of native/: main(target_dir, tests_dir). */
#include <stdio.h>

#include "harness.h"
#include "suites.h"

const char *target_dir = "target";
const char *tests_dir = "tests";

int main(int argc, char **argv)
{
	if (argc > 1)
		target_dir = argv[1];
	if (argc > 2)
		tests_dir = argv[2];
	test_loader_basic();
	test_loader_truncated();
	test_loader_malformed();
	test_loader_refusals();
	test_inspect();
	test_mpk_host();
	test_keys();
	test_runtime();
	test_cordon_cc();
	test_confined();
	test_direct();
	test_host("images");
	test_host("confined");
	test_vsys();
	test_kctx_filter();
	test_policy();
	test_jni();
	test_gate();
	test_x86_objdump();
	test_verify();
	test_loader_confined();
	return summary() ? 1 : 0;
}
