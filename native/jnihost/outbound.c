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

/* requests that run no Java code and change no object: the offers stay good */
static int keeps_offers(uint32_t op)
{
	switch (op) {
	case CORDON_JNI_GET_VERSION:
	case CORDON_JNI_GET_ARRAY_LENGTH:
	case CORDON_JNI_GET_ARRAY_REGION:
	case CORDON_JNI_BUFFER_CAPACITY:
	case CORDON_JNI_GET_BUFFER_REGION:
	case CORDON_JNI_GET_STRING_LENGTH:
	case CORDON_JNI_GET_STRING_UTF_LENGTH:
	case CORDON_JNI_GET_STRING_REGION:
	case CORDON_JNI_GET_STRING_UTF_REGION:
		return 1;
	}
	return 0;
}

/*
 * The record of the next request. Arrays released with mode 0 go back
 * first (the JVM must see them before anything the library asks next), and
 * an offer the request could make stale is dropped.
 */
struct cordon_jni_req *jh_req(struct jh_worker *w, uint32_t op)
{
	struct cordon_jni_req *r = (struct cordon_jni_req *)w->arena;

	if (!w->flushing) {
		if (w->nreleased)
			jh_flush_released(w);
		if (w->noffers && !keeps_offers(op))
			jh_drop_offers(w);
	}

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
