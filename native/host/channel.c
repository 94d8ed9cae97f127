/*
 * The channel memfd on fd 3: map it, then check every field the JVM wrote
 * against the memfd's real size before anything uses it.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

#define PAGE 4096u
/* Bounds that keep every sum below 2^63. */
#define MAX_STRIDE (1ull << 30)
#define MAX_HEAP   (1ull << 46)

int host_map_channel(struct host *h)
{
	struct stat st;
	void *p;

	if (fstat(CORDON_HOST_FD, &st) || st.st_size < (off_t)sizeof(*h->hdr))
		return -1; /* no header: nowhere to write why */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 CORDON_HOST_FD, 0);
	if (p == MAP_FAILED)
		return -1;
	/* the mapping stays; the fd goes, so that domain code cannot
	 * ftruncate or write the memfd behind the JVM's back */
	close(CORDON_HOST_FD);
	h->chan = p;
	h->chan_size = (uint64_t)st.st_size;
	h->hdr = p;
	return 0;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * The JVM may start us before it has written the header (our exec then
 * overlaps its copying of the image): it stores `version` last and wakes it.
 */
static void await_header(struct host *h)
{
	uint32_t *version = &h->hdr->version;
	int naps;

	for (naps = 0; naps < 100; naps++) { /* 100 x 100 ms */
		if (__atomic_load_n(version, __ATOMIC_ACQUIRE) != 0)
			return;
		futex_wait_shared(version, 0, 100000000L);
	}
	host_fail(h, "header: not published within 10 s");
}

void host_check_header(struct host *h)
{
	struct cordon_channel_header *hdr = h->hdr;
	uint64_t slots_end, magic;
	uint32_t version;

	if (h->chan_size < PAGE)
		host_fail(h, "header: channel is %llu bytes, less than a page",
			  (unsigned long long)h->chan_size);
	await_header(h);
	/* read each field once: a hostile or buggy JVM side could still write */
	magic = __atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE);
	version = hdr->version;
	h->nslots = hdr->nslots;
	h->slot_stride = hdr->slot_stride;
	h->slots_offset = hdr->slots_offset;
	h->image_offset = hdr->image_offset;
	h->image_size = hdr->image_size;
	h->heap_size = hdr->heap_size;

	if (magic != CORDON_CHANNEL_MAGIC)
		host_fail(h, "header: bad magic 0x%llx", (unsigned long long)magic);
	if (version != CORDON_CHANNEL_VERSION)
		host_fail(h, "header: version %u, this host speaks %d", version,
			  CORDON_CHANNEL_VERSION);
	if (h->nslots < 1 || h->nslots > CORDON_MAX_SLOTS)
		host_fail(h, "header: nslots %u not in 1..%d", h->nslots, CORDON_MAX_SLOTS);
	if (h->nslots != h->opts.threads)
		host_fail(h, "header: nslots %u but --threads %u", h->nslots, h->opts.threads);
	if (h->slot_stride < PAGE || h->slot_stride % PAGE || h->slot_stride > MAX_STRIDE)
		host_fail(h, "header: slot_stride %llu is not a page multiple up to 1 GiB",
			  (unsigned long long)h->slot_stride);
	if (h->slots_offset < PAGE || h->slots_offset % PAGE)
		host_fail(h, "header: slots_offset %llu is not page aligned past the header",
			  (unsigned long long)h->slots_offset);
	slots_end = h->slots_offset + h->nslots * h->slot_stride;
	if (h->slots_offset > h->chan_size || slots_end > h->chan_size)
		host_fail(h, "header: slots end past the channel (%llu bytes)",
			  (unsigned long long)h->chan_size);
	if (h->image_size == 0 || h->image_offset < PAGE || h->image_offset > h->chan_size ||
	    h->image_size > h->chan_size - h->image_offset)
		host_fail(h, "header: image (offset %llu, size %llu) not inside the channel "
			  "past the header", (unsigned long long)h->image_offset,
			  (unsigned long long)h->image_size);
	if (overlaps(h->image_offset, h->image_size, h->slots_offset, slots_end - h->slots_offset))
		host_fail(h, "header: image overlaps the slots");
	if (h->heap_size < PAGE || h->heap_size > MAX_HEAP)
		host_fail(h, "header: heap_size %llu not in 4096..2^46",
			  (unsigned long long)h->heap_size);
}

struct cordon_slot *host_slot(const struct host *h, uint32_t i)
{
	return (struct cordon_slot *)(h->chan + h->slots_offset + (uint64_t)i * h->slot_stride);
}

unsigned char *host_arena(const struct host *h, uint32_t i)
{
	return (unsigned char *)host_slot(h, i) + CORDON_SLOT_HEAD;
}

uint64_t host_arena_size(const struct host *h)
{
	return h->slot_stride - CORDON_SLOT_HEAD;
}
