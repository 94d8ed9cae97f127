/*
 * The offers of a JNI_CALL (cordon/jni_channel.h): the primitive arrays and
 * direct buffers the JVM sent with the call. They are copied out of the
 * arena before anything else uses it; Get*ArrayElements, GetArrayLength and
 * GetDirectBufferAddress then take them with no request. An offer is the
 * object as the call began, so it is dropped at the first request that
 * could change the object (outbound.c, jh_req).
 */
#include <stdlib.h>
#include <string.h>

#include "jnihost/jnihost.h"

static int valid(const struct cordon_jni_offer *o, uint64_t arena_size, uint64_t from)
{
	size_t size = o->buffer ? 1 : jh_elem_size((char)o->letter);
	uint64_t bytes = (uint64_t)o->count * size;

	if (o->count < 0 || o->count > INT32_MAX || (!o->buffer && !cordon_jni_kind_size((char)o->letter)))
		return 0;
	return o->offset >= from && o->offset <= arena_size && bytes <= arena_size - o->offset;
}

void jh_take_offers(struct jh_worker *w, uint64_t nwords, uint64_t noffers)
{
	uint64_t table = cordon_jni_offers_at(nwords), i;
	uint64_t data = table + noffers * sizeof(struct cordon_jni_offer);

	w->noffers = 0;
	if (!noffers || noffers > CORDON_JNI_MAX_OFFERS || data > w->arena_size)
		return; /* none, or not as the protocol says: none taken */
	for (i = 0; i < noffers; i++) {
		struct cordon_jni_offer o;
		struct offer *mine = &w->offers[w->noffers];
		size_t bytes;

		memcpy(&o, w->arena + table + i * sizeof(o), sizeof(o));
		if (!valid(&o, w->arena_size, data))
			continue;
		bytes = (size_t)o.count * (o.buffer ? 1 : jh_elem_size((char)o.letter));
		mine->bytes = malloc(bytes ? bytes : 1);
		if (!mine->bytes)
			continue; /* asked for instead, when it is used */
		memcpy(mine->bytes, w->arena + o.offset, bytes);
		mine->handle = o.handle;
		mine->count = o.count;
		mine->letter = (char)o.letter;
		mine->buffer = o.buffer != 0;
		w->noffers++;
	}
}

/* the offer of that argument, still there to take; NULL if none */
struct offer *jh_offer(struct jh_worker *w, int64_t handle, int buffer)
{
	int i;

	for (i = 0; i < w->noffers; i++)
		if (w->offers[i].bytes && w->offers[i].handle == handle && w->offers[i].buffer == buffer)
			return &w->offers[i];
	return NULL;
}

void jh_drop_offers(struct jh_worker *w)
{
	int i;

	for (i = 0; i < w->noffers; i++)
		free(w->offers[i].bytes);
	w->noffers = 0;
}
