/*
 * A domain's region: one anonymous mapping tagged with a key of its own.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cordon/mpk.h"

static void clear(struct cordon_region *r)
{
	r->base = NULL;
	r->size = 0;
	r->key = -1;
}

int cordon_region_create(size_t size, struct cordon_region *out)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p;
	int key, rc;

	if (!out)
		return -EINVAL;
	clear(out);
	if (size == 0 || size > SIZE_MAX - page)
		return -EINVAL;
	size = (size + page - 1) & ~(page - 1);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	key = cordon_pkey_alloc();
	if (key < 0) {
		munmap(p, size);
		return key;
	}
	/* the pages exist with key 0 only until this returns; no one else
	 * knows their address yet */
	rc = cordon_pkey_mprotect(p, size, PROT_READ | PROT_WRITE, key);
	if (rc < 0) {
		munmap(p, size);
		cordon_pkey_free(key);
		return rc;
	}
	out->base = p;
	out->size = size;
	out->key = key;
	return 0;
}

int cordon_region_destroy(struct cordon_region *r)
{
	int rc = 0;

	if (!r || !r->base)
		return 0;
	/* unmap first: a freed key still tagging live pages would pass them
	 * to whoever allocates it next */
	if (munmap(r->base, r->size))
		rc = -errno; /* pages may live on: keep their key out of reuse */
	else if (r->key > 0)
		rc = cordon_pkey_free(r->key);
	clear(r);
	return rc;
}
