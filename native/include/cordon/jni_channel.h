/*
 * The JNI channel: how libcordon-jni.so (the shim in the JVM) and
 * cordon-jni-host (the domain) speak over the process backend's channel
 * (cordon/channel.h). Same header, same slots, same futex words; a JNI
 * domain adds three operations, two slot states and the callback record.
 *
 * The channel's image area holds the library's absolute path, NUL
 * terminated: cordon-jni-host dlopen()s it before its sandbox closes.
 *
 * Inbound (JVM -> domain), slot.op:
 *   JNI_BIND   fn = method index; arena: "Java_symbol\0kinds\0". The host
 *              finds the symbol and keeps it with its kinds under fn.
 *   JNI_CALL   fn = method index; args[0] = number of words; the arena holds
 *              the words: receiver handle, then each argument (floats and
 *              doubles as their bits). result = the return word.
 *              args[1] = number of offers (below) after the words.
 *   JNI_ONLOAD runs JNI_OnLoad if the library has one; result = its version,
 *              0 if none.
 *
 * While a JNI_CALL or JNI_ONLOAD runs, the domain may call back: it writes a
 * struct cordon_jni_req at the arena's start and stores state = CALLBACK;
 * the JVM serves it on the calling thread and stores state = ANSWER with
 * the answer in the same record. At the end the domain stores DONE as for
 * any call. A request the JVM finds malformed ends the domain: it gets no
 * answer.
 *
 * Offers: a JNI_CALL's primitive-array and direct-ByteBuffer arguments
 * sent with the call, so that Get*ArrayElements, GetPrimitiveArrayCritical,
 * GetArrayLength and GetDirectBufferAddress need no request. At
 * cordon_jni_offers_at(nwords): args[1] struct cordon_jni_offer, each
 * naming its bytes in the arena. The JVM offers what fits the arena, each
 * object once. An offer is a snapshot of the call's start: the domain uses
 * it only until its first request that could change the object (one that
 * can run Java code, or a Set*Region); after that it asks, as without one.
 *
 * Write-backs: with DONE, slot.returns records in the arena, each a
 * struct cordon_jni_req (SET_ARRAY_REGION or SET_BUFFER_REGION, nothing
 * else) followed by its data, at 8-byte steps: the changed pieces of the
 * arrays the call released with mode 0 and of the buffers it was lent,
 * which would otherwise be one request each. The JVM serves each as the
 * request it is, checks included, before the call returns.
 *
 * kinds: one letter per parameter (Z B C S I J F D, L for any reference),
 * then ')' and the return letter (V for void), e.g. "LII)J". The receiver
 * (jobject or jclass) and the JNIEnv are not in it.
 */
#ifndef CORDON_JNI_CHANNEL_H
#define CORDON_JNI_CHANNEL_H

#include <stdint.h>

#include "cordon/channel.h"

#define CORDON_OP_JNI_BIND   3
#define CORDON_OP_JNI_CALL   4
#define CORDON_OP_JNI_ONLOAD 5

#define CORDON_SLOT_CALLBACK 4 /* host -> jvm: a cordon_jni_req to serve */
#define CORDON_SLOT_ANSWER   5 /* jvm -> host: its answer is in the record */

#define CORDON_JNI_MAX_METHODS 4096 /* method indices per domain */
#define CORDON_JNI_MAX_KINDS   256  /* parameters of one native method */
#define CORDON_JNI_REQ_ARGS    8
#define CORDON_JNI_DATA        128  /* request data starts this far into the arena */

/* statuses of a JNI_* inbound op, beside enum cordon_status */
#define CORDON_STATUS_BAD_KINDS 16

/* the requests: cordon/jni_requests.def */
enum cordon_jni_op {
#define CORDON_JNI_REQ(name) CORDON_JNI_##name,
#include "cordon/jni_requests.def"
#undef CORDON_JNI_REQ
	CORDON_JNI_NREQ
};

struct cordon_jni_req {
	uint32_t op;      /* host: enum cordon_jni_op */
	uint32_t pending; /* jvm: an exception is pending on the calling thread */
	int64_t  a[CORDON_JNI_REQ_ARGS]; /* host: arguments; jvm: a[0] the result */
	uint64_t data_len; /* bytes at CORDON_JNI_DATA, either way */
};

/*
 * Handles: what a jobject, jclass, jmethodID or jfieldID is in the domain.
 * Never a JVM pointer: the JVM side looks each one up and checks its kind
 * and generation. 0 is NULL.
 */
#define CORDON_JNI_KIND_SHIFT 56
#define CORDON_JNI_GEN_SHIFT  32
enum cordon_jni_kind {
	CORDON_JNI_LOCAL  = 1,
	CORDON_JNI_GLOBAL = 2,
	CORDON_JNI_WEAK   = 3,
	CORDON_JNI_METHOD = 4,
	CORDON_JNI_FIELD  = 5,
};

/* primitive array and field types on the wire: the kind letters */
static inline int cordon_jni_kind_size(char k)
{
	switch (k) {
	case 'Z': case 'B': return 1;
	case 'C': case 'S': return 2;
	case 'I': case 'F': return 4;
	case 'J': case 'D': return 8;
	default: return 0;
	}
}

#define CORDON_JNI_MAX_OFFERS 16

struct cordon_jni_offer {
	int64_t  handle;  /* the argument's local handle, as in the words */
	int64_t  count;   /* elements of an array, bytes (capacity) of a buffer */
	uint64_t offset;  /* of its bytes, in the arena */
	uint32_t letter;  /* element kind letter; 'B' for a buffer */
	uint32_t buffer;  /* 1: a direct ByteBuffer */
};

/* where the offers start: after the words, 16-byte aligned */
static inline uint64_t cordon_jni_offers_at(uint64_t nwords)
{
	return (nwords * 8 + 15) & ~15ull;
}

/* a write-back record's size with its data, 8-byte aligned */
static inline uint64_t cordon_jni_record_size(uint64_t data_len)
{
	return sizeof(struct cordon_jni_req) + ((data_len + 7) & ~7ull);
}

_Static_assert(sizeof(struct cordon_jni_req) <= CORDON_JNI_DATA, "record fits before the data");

#endif
