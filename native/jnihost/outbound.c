/*
 * The outbound gate: a JNI request from the library to the JVM, on the
 * lane of the call it is serving. The worker writes the record, stores
 * CALLBACK and waits for ANSWER, as the JVM does for DONE (the lane
 * handshake, host/lane.h). If the JVM marks the lane DEAD, the domain is
 * over.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/lane.h"
#include "jnihost/jnihost.h"

struct cordon_jni_req *jh_req(struct jh_worker *w, uint32_t op)
{
	struct cordon_jni_req *r = (struct cordon_jni_req *)w->arena;

	memset(r, 0, sizeof(*r));
	r->op = op;
	return r;
}

unsigned char *jh_data(struct jh_worker *w)
{
	return w->arena + CORDON_JNI_DATA;
}

uint64_t jh_data_cap(struct jh_worker *w)
{
	return w->arena_size - CORDON_JNI_DATA;
}

int64_t jh_send(struct jh_worker *w)
{
	struct cordon_slot *s = w->slot;
	struct cordon_jni_req *r = (struct cordon_jni_req *)w->arena;
	uint32_t st;

	lane_publish(&s->state, &s->caller_waiting, CORDON_SLOT_CALLBACK);
	st = lane_await(&s->state, &s->host_waiting, CORDON_SLOT_CALLBACK, LANE_SPIN_NS, 0);
	if (st != CORDON_SLOT_ANSWER)
		_exit(0); /* DEAD, or a JVM that broke the protocol: the domain is over */
	w->pending = r->pending != 0;
	return r->a[0];
}

/* A JNI function this domain does not offer: the JVM ends the domain. */
_Noreturn void jh_unsupported(struct jh_worker *w, int function)
{
	struct cordon_jni_req *r = jh_req(w, CORDON_JNI_UNSUPPORTED);

	r->a[0] = function;
	jh_send(w);
	_exit(1); /* not reached: the JVM gives no answer, it kills */
}

/* The end of a call: each lent buffer's changed pieces copied back into the
 * JVM's, then the copy freed. */
void jh_return_lent(struct jh_worker *w)
{
	uint64_t cap = jh_data_cap(w);
	int i;

	for (i = 0; i < w->nlent; i++) {
		struct lent *l = &w->lent[i];
		int64_t off;

		for (off = 0; off < l->capacity; off += (int64_t)cap) {
			int64_t n = l->capacity - off < (int64_t)cap ? l->capacity - off : (int64_t)cap;
			struct cordon_jni_req *r;

			if (l->pristine && !memcmp(l->copy + off, l->pristine + off, (size_t)n))
				continue;
			r = jh_req(w, CORDON_JNI_SET_BUFFER_REGION);

			r->a[0] = l->handle;
			r->a[1] = off;
			r->a[2] = n;
			r->data_len = (uint64_t)n;
			memcpy(jh_data(w), l->copy + off, (size_t)n);
			jh_send(w);
		}
		free(l->copy);
		free(l->pristine);
	}
	w->nlent = 0;
}
