/*
 * libcordon-jni.so: the trusted JNI shim in the JVM. It binds an isolated
 * bundle's native methods to trampolines (trampoline.c) that call into the
 * bundle's domain over the process channel, and serves the domain's JNI
 * requests (serve_*.c) with the real JNIEnv, on the calling thread, after
 * checking every handle (handles.c). Nothing the domain sends reaches
 * HotSpot unchecked.
 */
#ifndef CORDON_JNI_SHIM_H
#define CORDON_JNI_SHIM_H

#include <jni.h>
#include <pthread.h>
#include <stdint.h>

#include "cordon/jni_channel.h"

#define SHIM_MAX_LOCALS  65536 /* local refs one inbound call may hold */
#define SHIM_MAX_GLOBALS 65536 /* global and weak refs of one domain */
#define SHIM_MAX_FRAMES  64    /* PushLocalFrame depth */
#define SHIM_INLINE_LOCALS 16  /* in the frame itself: most calls allocate nothing */

struct global_entry {
	jobject ref;       /* a JNI global or weak global ref; NULL: free */
	uint32_t gen;
	uint8_t kind;      /* CORDON_JNI_GLOBAL or CORDON_JNI_WEAK */
};

/* a jmethodID as the domain may use it: checked at every call */
struct method_entry {
	jmethodID id;
	jclass cls;        /* declaring class (global ref) */
	jclass *params;    /* per parameter: its class (global ref), NULL for a primitive */
	int nparams;
	int is_static, is_ctor;
	char kinds[CORDON_JNI_MAX_KINDS];
};

struct field_entry {
	jfieldID id;
	jclass cls;        /* declaring class (global ref) */
	jclass type;       /* the field's class, for 'L' */
	int is_static;
	int settable;      /* not final, or the bundle's own: Set*Field may */
	char letter;
};

/* One isolated bundle's domain, across its incarnations. */
struct domain {
	jobject java;      /* its JniDomain (global ref): the upcalls */
	jlong deadline_ns;
	uint64_t arena_size; /* of each lane, as the JVM made it */
	pthread_mutex_t lock; /* the tables below */
	struct global_entry *globals;
	uint32_t nglobals;
	struct method_entry **methods;
	uint32_t nmethods, cap_methods;
	struct field_entry **fields;
	uint32_t nfields, cap_fields;
};

/* One inbound call: its lane, its local refs, its frames. */
struct frame {
	struct domain *d;
	JNIEnv *env;
	unsigned char *slot;      /* struct cordon_slot, then its arena */
	uint64_t arena_size;
	uint32_t serial;          /* tags its local handles */
	jobject *locals;          /* inline_locals, or grown onto the heap */
	uint32_t nlocals, cap_locals;
	jobject inline_locals[SHIM_INLINE_LOCALS];
	uint32_t marks[SHIM_MAX_FRAMES];
	uint32_t nmarks;
	char *scratch;            /* private copies of the domain's strings */
	uint64_t scratch_cap;
	const char *violation;    /* set: end the domain with this reason */
	char why[160];
};

/* the Java side's classes and methods, resolved once (shim.c) */
struct shim_refs {
	jclass domain_class;      /* dev.cordon.isolation.internal.jni.JniDomain */
	jmethodID acquire, release, failed, violated, timed_out, find_class, parameter_types, field_type;
	jmethodID register_native, check_allocatable, settable;
	jclass class_class, string_class, throwable_class, object_array_class, byte_buffer_class;
	jclass prim_arrays[8];    /* [Z [B [C [S [I [J [F [D */
	jmethodID is_array, is_primitive;
};
extern struct shim_refs shim;

/* handles.c */
int64_t frame_add_local(struct frame *f, jobject obj); /* 0 for NULL; violation if full */
jobject frame_object(struct frame *f, int64_t handle);  /* NULL for 0; violation if bad */
void frame_delete_local(struct frame *f, int64_t handle);
int frame_push(struct frame *f);
int64_t frame_pop(struct frame *f, int64_t result);
int64_t domain_add_global(struct frame *f, jobject obj, int weak);
void domain_delete_global(struct frame *f, int64_t handle, int weak);
void domain_clear_globals(JNIEnv *env, struct domain *d);
int64_t domain_add_method(struct frame *f, struct method_entry *m);
struct method_entry *domain_method(struct frame *f, int64_t handle);
int64_t domain_add_field(struct frame *f, struct field_entry *e);
struct field_entry *domain_field(struct frame *f, int64_t handle);
void frame_violation(struct frame *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* serve.c: one request of the domain; 0, or -1 when f->violation is set */
int serve_request(struct frame *f, struct cordon_jni_req *req, unsigned char *data,
		  uint64_t data_cap);
const char *data_string(struct frame *f, unsigned char *data, uint64_t len, uint64_t cap);

/* serve_calls.c, serve_arrays.c, serve_objects.c */
int serve_calls(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap);
int serve_arrays(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap);
int serve_objects(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap);

/* serve_arrays.c: Get or Set<T>ArrayRegion by letter ('Z'..'D'); HotSpot checks the bounds */
void array_region(JNIEnv *env, jobject a, char letter, jsize start, jsize len, unsigned char *data, int get);

/* checks shared by the serve files: the object, non-NULL, of that class */
jobject object_of(struct frame *f, int64_t handle, jclass cls, const char *what);
jclass class_of(struct frame *f, int64_t handle);

/* trampoline.c */
jlong shim_bind(JNIEnv *env, struct domain *d, jclass cls, jstring name, jstring descriptor,
		jclass returns, jint index);
jint shim_onload(JNIEnv *env, struct domain *d);
jint shim_host_bind(JNIEnv *env, struct domain *d, jint index, jstring symbol, jstring descriptor);

#endif
