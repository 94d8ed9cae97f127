/*
 * The function table behind OP_RESOLVE / OP_CALL: index -> address of an
 * export. Entries are only ever added; readers need no lock.
 */
#include <pthread.h>

#include "host.h"

static void *table[CORDON_MAX_FUNCTIONS];
static uint32_t count;
static pthread_mutex_t add_lock = PTHREAD_MUTEX_INITIALIZER;

int functab_add(void *fn, uint32_t *index)
{
	uint32_t i, n;
	int rc = CORDON_STATUS_TOO_MANY;

	pthread_mutex_lock(&add_lock);
	n = __atomic_load_n(&count, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		if (table[i] == fn) {
			*index = i;
			rc = CORDON_STATUS_OK;
			goto out;
		}
	}
	if (n < CORDON_MAX_FUNCTIONS) {
		table[n] = fn;
		/* publish the entry before the count that makes it visible */
		__atomic_store_n(&count, n + 1, __ATOMIC_RELEASE);
		*index = n;
		rc = CORDON_STATUS_OK;
	}
out:
	pthread_mutex_unlock(&add_lock);
	return rc;
}

void *functab_get(uint32_t index)
{
	if (index >= __atomic_load_n(&count, __ATOMIC_ACQUIRE))
		return NULL;
	return table[index];
}
