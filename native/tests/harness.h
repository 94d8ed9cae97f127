/*
 * A tiny test harness: check() records one result and prints it, skip()
 * one test that cannot run here and why; the summary line is the last
 * thing the test program prints.
 */
#ifndef CORDON_TEST_HARNESS_H
#define CORDON_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Where things are: target/ and the tests/ sources (from argv). */
extern const char *target_dir;
extern const char *tests_dir;

void suite(const char *name);
/* Records a result; returns ok so callers can stop a dependent chain. */
int check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a test that could not run here: one line "SKIP <suite>: <test>:
 * <reason>", counted as skipped, neither passed nor failed. */
void skip(const char *test, const char *reason_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "c-tests: N passed, M failed, S skipped"; returns M. */
int summary(void);

/* helpers (util.c) */
unsigned char *read_file(const char *path, size_t *len); /* malloc'd or NULL */
const char *path_of(const char *dir, const char *rel);   /* static, rotating */
unsigned char *read_image(const char *name, size_t *len); /* target/test/images */
/* "r-xp" etc. from /proc/self/maps, or "none" */
const char *perms_of(const void *addr);
int contains(const char *haystack, const char *needle);

#endif
