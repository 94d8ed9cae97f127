/*
 * cordon_domain_init (include/cordon/domain.h): the host hands the image its
 * heap and errno before calling anything else.
 */
#include "cordon/domain.h"
#include "heap.h"
#include "runtime.h"

/* Exported from the image: the host looks it up by name. */
__attribute__((visibility("default")))
int cordon_domain_init(void *heap, size_t heap_size, int *(*errno_location)(void))
{
	static int done;

	/* a second heap would orphan every block of the first */
	if (__atomic_exchange_n(&done, 1, __ATOMIC_ACQ_REL))
		return -1;
	runtime_fix_auxv();
	if (errno_location)
		runtime_set_errno_location(errno_location);
	return heap_init(heap, heap_size);
}
