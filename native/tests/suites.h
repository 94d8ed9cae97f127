/* One function per test file. */
#ifndef CORDON_TEST_SUITES_H
#define CORDON_TEST_SUITES_H

void test_loader_basic(void);
void test_loader_truncated(void);
void test_loader_malformed(void);
void test_loader_refusals(void);
void test_runtime(void);
void test_cordon_cc(void);
void test_confined(void);
/* the images of target/test/<images>: "images" or "confined" */
void test_host(const char *images);
void test_inspect(void);
void test_mpk_host(void);
void test_keys(void);
void test_vsys(void);
void test_gate(void);
void test_kctx_filter(void);
void test_policy(void);
void test_x86_objdump(void);
void test_verify(void);
void test_loader_confined(void);
void test_direct(void);
void test_jni(void);

#endif
