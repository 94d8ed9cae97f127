/* The domain runtime (malloc family, errno) inside a loaded image, called
 * directly from this process: its heap is ours, its errno is glibc's. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cordon/image.h"
#include "harness.h"
#include "suites.h"

#define HEAP_SIZE (4u << 20)

typedef int64_t (*fn2)(int64_t, int64_t);
typedef int64_t (*fn1)(int64_t);
typedef int64_t (*fn0)(void);
typedef int (*init_fn)(void *, size_t, int *(*)(void));

static struct cordon_image *img;

static void *sym(const char *name)
{
	return cordon_image_symbol(img, name);
}

static void *stress_thread(void *arg)
{
	fn2 stress = (fn2)(uintptr_t)sym("stress");

	return (void *)(intptr_t)stress((int64_t)(intptr_t)arg, 100000);
}

/* musl's allocator must not be in the image: no brk, no mallocng. */
static void no_musl_malloc(const char *image)
{
	char cmd[1200], line[512];
	FILE *p;
	int found = 0, symbols = 0;

	snprintf(cmd, sizeof(cmd), "nm %s 2>&1", path_of(target_dir, image));
	p = popen(cmd, "r");
	if (!check(p != NULL, "run nm"))
		return;
	while (fgets(line, sizeof(line), p)) {
		symbols++;
		if (contains(line, " brk\n") || contains(line, " sbrk\n") ||
		    contains(line, "__expand_heap") || contains(line, "__simple_malloc") ||
		    contains(line, "alloc_meta") || contains(line, "__malloc_lock")) {
			found++;
			printf("   unexpected: %s", line);
		}
	}
	pclose(p);
	check(symbols > 50 && found == 0, "nm %s: %d symbols, no brk/sbrk/musl malloc",
	      image, symbols);
}

void test_runtime(void)
{
	char err[256] = "";
	size_t len;
	unsigned char *bytes = read_image("stress.so", &len);
	void *heap;
	pthread_t t[2];
	void *r0, *r1;
	int64_t n;

	suite("runtime: allocator and errno");
	no_musl_malloc("test/images/stress.so");
	no_musl_malloc("test/images/hostile.so");
	if (!check(bytes != NULL, "read stress.so"))
		return;
	if (!check(cordon_image_load(bytes, len, &img, err, sizeof(err)) == 0,
		   "load stress.so: %s", err))
		goto out;
	heap = mmap(NULL, HEAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(((init_fn)(uintptr_t)sym("cordon_domain_init"))(heap, HEAP_SIZE,
							     __errno_location) == 0,
	      "cordon_domain_init");
	check(((fn0)(uintptr_t)sym("init_again"))() == -1, "a second init is refused");

	n = ((fn2)(uintptr_t)sym("stress"))(1, 200000);
	check(n == 0,
	      "single-thread stress (code %lld)", (long long)n);
	pthread_create(&t[0], NULL, stress_thread, (void *)(intptr_t)7);
	pthread_create(&t[1], NULL, stress_thread, (void *)(intptr_t)11);
	pthread_join(t[0], &r0);
	pthread_join(t[1], &r1);
	check(r0 == NULL && r1 == NULL, "two threads stressing at once (codes %ld, %ld)",
	      (long)(intptr_t)r0, (long)(intptr_t)r1);

	errno = 0;
	n = ((fn1)(uintptr_t)sym("exhaust"))(1000);
	check(n > 3000 && n < (int64_t)(HEAP_SIZE / 1000),
	      "heap exhausted after %lld blocks of 1000 bytes, ENOMEM, then coalesced",
	      (long long)n);
	check(errno == ENOMEM, "the host's errno saw ENOMEM");
	n = ((fn0)(uintptr_t)sym("overflow"))();
	check(n == 0, "overflowing sizes fail with ENOMEM (code %lld)", (long long)n);
	errno = 0;
	((fn1)(uintptr_t)sym("set_errno"))(EDOM);
	check(errno == EDOM, "errno written by the image lands in the host's errno");
	n = ((fn2)(uintptr_t)sym("stress"))(99, 100000);
	check(n == 0,
	      "heap whole again after exhaustion (code %lld)", (long long)n);
	cordon_image_unload(img);
	munmap(heap, HEAP_SIZE);
out:
	free(bytes);
}
