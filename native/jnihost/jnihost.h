/*
 * cordon-jni-host: the process backend's helper for an unmodified JNI
 * library. It is cordon-host's startup and sandbox (native/host: the same
 * objects, linked against glibc here) with a different payload: the
 * library is dlopen()ed from the path in the channel's image area, its
 * Java_* functions are called with libffi, and the JNIEnv it is handed
 * turns every JNI function into a request to the JVM over the lane
 * (cordon/jni_channel.h, served by native/jni).
 */
#ifndef CORDON_JNIHOST_H
#define CORDON_JNIHOST_H

#include <ffi.h>
#include <jni.h>

#include "cordon/jni_channel.h"
#include "host/host.h"

/* a direct buffer lent for the length of one call */
struct lent {
	int64_t handle;
	unsigned char *copy;
	unsigned char *pristine; /* as lent, or NULL: all of it goes back */
	int64_t capacity;
};

#define MAX_LENT 64

/* an offer of the call (cordon/jni_channel.h), its bytes copied out of the arena */
struct offer {
	int64_t handle;
	int64_t count;          /* elements, or a buffer's capacity */
	unsigned char *bytes;   /* malloc()ed; NULL once taken */
	char letter;
	int buffer;
};

/* in front of every element copy: what Release needs to write it back */
struct elems {
	int64_t len;
	unsigned char *pristine; /* the elements as they came, or NULL: write all back */
	char letter;
	char offered;            /* made from the call's offer of its argument */
	char pad[14];
};
_Static_assert(sizeof(struct elems) % 16 == 0, "elements 16-byte aligned, as malloc's");

/* an array released with mode 0: written back at the next request, or with DONE */
struct released {
	int64_t handle;
	struct elems *e;
};

#define MAX_RELEASED 16

struct jh_worker;

/* what the library's JNIEnv* points to: the table, then our state */
struct jh_env {
	const struct JNINativeInterface_ *functions;
	struct jh_worker *w;
};

struct jh_worker {
	struct host *h;
	uint32_t index;
	struct jh_env env;
	struct cordon_slot *slot;
	unsigned char *arena;
	uint64_t arena_size;
	int pending;           /* the JVM said an exception is pending */
	struct lent lent[MAX_LENT];
	int nlent;
	struct offer offers[CORDON_JNI_MAX_OFFERS];
	int noffers;
	struct released released[MAX_RELEASED];
	int nreleased;
	int flushing;          /* writing back: requests leave offers and releases be */
};

/* a bound Java_* function, by method index */
struct jh_method {
	void *fn;
	ffi_cif cif;
	ffi_type *types[CORDON_JNI_MAX_KINDS + 2];
	int nparams;
	char kinds[CORDON_JNI_MAX_KINDS];
};

extern void *jh_library;
extern struct JNINativeInterface_ jh_functions;
extern JavaVM jh_vm;

static inline struct jh_worker *jh_of(JNIEnv *env)
{
	return ((struct jh_env *)env)->w;
}

/* outbound.c: one request to the JVM; its result a[0] */
struct cordon_jni_req *jh_req(struct jh_worker *w, uint32_t op);
unsigned char *jh_data(struct jh_worker *w);
uint64_t jh_data_cap(struct jh_worker *w);
int64_t jh_send(struct jh_worker *w);
_Noreturn void jh_unsupported(struct jh_worker *w, int function);

/* offers.c: the call's offers taken from the arena; one taken (NULL if none) */
void jh_take_offers(struct jh_worker *w, uint64_t nwords, uint64_t noffers);
struct offer *jh_offer(struct jh_worker *w, int64_t handle, int buffer);
void jh_drop_offers(struct jh_worker *w);

/* returns.c: what goes back to the JVM's arrays and buffers */
size_t jh_elem_size(char letter);
void jh_write_back(struct jh_worker *w, int64_t array, struct elems *e); /* now, by requests */
void jh_release_later(struct jh_worker *w, int64_t array, struct elems *e);
void jh_flush_released(struct jh_worker *w);
uint32_t jh_finish_call(struct jh_worker *w); /* the write-back records for DONE */

/* env_calls.c: the kinds of a method id the JVM gave us, NULL if unknown */
void jh_remember_method(int64_t handle, const char *descriptor);
const char *jh_method_kinds(int64_t handle);

/* env*.c: filling the table */
void jh_fill_core(struct JNINativeInterface_ *t);
void jh_fill_calls(struct JNINativeInterface_ *t);
void jh_fill_arrays(struct JNINativeInterface_ *t);
void jh_init_functions(void);

#include "jnihost/threads.h"

/* worker.c; jh_register_native: RegisterNatives's method `fn` (a CORDON_STATUS_) */
int jh_register_native(uint32_t fn, void *code, const char *descriptor);
void jh_start_workers(struct host *h);
extern __thread struct jh_worker *jh_self;

#endif
