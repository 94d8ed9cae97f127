/*
 * One JNI request of a domain, served with the real JNIEnv on the thread
 * that called into the domain. Every handle is looked up (handles.c), every
 * string is checked to be modified UTF-8 and to end inside the data area,
 * and every object is checked to be of the class the JNI function expects,
 * before HotSpot sees any of it. Objects, references and classes here; calls
 * and fields in serve_calls.c; arrays, strings and buffers in serve_arrays.c.
 */
#include <stdlib.h>
#include <string.h>

#include "jni/kinds.h"
#include "jni/shim.h"

/* What the JNI spec allows while an exception is pending (and the
 * releases, which the domain makes with SET_*_REGION). */
static int allowed_while_pending(uint32_t op)
{
	switch (op) {
	case CORDON_JNI_EXCEPTION_OCCURRED: case CORDON_JNI_EXCEPTION_DESCRIBE:
	case CORDON_JNI_EXCEPTION_CLEAR: case CORDON_JNI_FATAL_ERROR:
	case CORDON_JNI_DELETE_GLOBAL_REF: case CORDON_JNI_DELETE_WEAK_GLOBAL_REF:
	case CORDON_JNI_DELETE_LOCAL_REF: case CORDON_JNI_PUSH_LOCAL_FRAME:
	case CORDON_JNI_POP_LOCAL_FRAME: case CORDON_JNI_ENSURE_LOCAL_CAPACITY:
	case CORDON_JNI_MONITOR_EXIT: case CORDON_JNI_SET_ARRAY_REGION:
	case CORDON_JNI_SET_BUFFER_REGION: case CORDON_JNI_GET_VERSION:
		return 1;
	default:
		return 0;
	}
}

/*
 * The NUL-terminated modified UTF-8 string at data, copied out of the
 * domain's reach first (it could change the bytes between the check and
 * their use); NULL on a violation.
 */
const char *data_string(struct frame *f, unsigned char *data, uint64_t len, uint64_t cap)
{
	unsigned char *nul;
	char *grown;

	if (len > cap) {
		frame_violation(f, "a string longer than the request");
		return NULL;
	}
	if (len + 1 > f->scratch_cap) {
		grown = realloc(f->scratch, len + 1);
		if (!grown) {
			frame_violation(f, "out of memory for a string");
			return NULL;
		}
		f->scratch = grown;
		f->scratch_cap = len + 1;
	}
	memcpy(f->scratch, data, len);
	nul = len ? memchr(f->scratch, 0, len) : NULL;
	if (!nul) {
		frame_violation(f, "a string that does not end inside the request");
		return NULL;
	}
	if (!cordon_jni_mutf8_valid((unsigned char *)f->scratch, (uint64_t)((char *)nul - f->scratch))) {
		frame_violation(f, "a string that is not modified UTF-8");
		return NULL;
	}
	return f->scratch;
}

jobject object_of(struct frame *f, int64_t handle, jclass cls, const char *what)
{
	jobject obj = frame_object(f, handle);

	if (f->violation)
		return NULL;
	if (!obj) {
		frame_violation(f, "NULL where %s is required", what);
		return NULL;
	}
	if (cls && !(*f->env)->IsInstanceOf(f->env, obj, cls)) {
		frame_violation(f, "0x%llx is not %s", (unsigned long long)handle, what);
		return NULL;
	}
	return obj;
}

jclass class_of(struct frame *f, int64_t handle)
{
	return (jclass)object_of(f, handle, shim.class_class, "a class");
}

static int64_t local(struct frame *f, jobject obj)
{
	return frame_add_local(f, obj);
}

static int find_class(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	const char *name = data_string(f, data, req->data_len, cap);
	jstring jname;

	if (!name)
		return -1;
	jname = (*env)->NewStringUTF(env, name);
	if (!jname)
		return 0;
	req->a[0] = local(f, (*env)->CallObjectMethod(env, f->d->java, shim.find_class, jname));
	(*env)->DeleteLocalRef(env, jname);
	return 0;
}

static int throw_new(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	jclass cls = class_of(f, req->a[0]);
	const char *msg = data_string(f, data, req->data_len, cap);

	if (!cls || !msg)
		return -1;
	if (!(*env)->IsAssignableFrom(env, cls, shim.throwable_class)) {
		frame_violation(f, "ThrowNew with a class that is not a Throwable");
		return -1;
	}
	req->a[0] = (*env)->ThrowNew(env, cls, msg);
	return 0;
}

static int refs(struct frame *f, struct cordon_jni_req *req)
{
	JNIEnv *env = f->env;
	jobject obj;

	switch (req->op) {
	case CORDON_JNI_NEW_GLOBAL_REF:
	case CORDON_JNI_NEW_WEAK_GLOBAL_REF:
		obj = frame_object(f, req->a[0]);
		req->a[0] = domain_add_global(f, obj, req->op == CORDON_JNI_NEW_WEAK_GLOBAL_REF);
		return 0;
	case CORDON_JNI_DELETE_GLOBAL_REF:
	case CORDON_JNI_DELETE_WEAK_GLOBAL_REF:
		domain_delete_global(f, req->a[0], req->op == CORDON_JNI_DELETE_WEAK_GLOBAL_REF);
		return 0;
	case CORDON_JNI_NEW_LOCAL_REF:
		obj = frame_object(f, req->a[0]);
		req->a[0] = obj ? local(f, (*env)->NewLocalRef(env, obj)) : 0;
		return 0;
	case CORDON_JNI_DELETE_LOCAL_REF:
		frame_delete_local(f, req->a[0]);
		return 0;
	case CORDON_JNI_PUSH_LOCAL_FRAME:
		req->a[0] = frame_push(f);
		return 0;
	case CORDON_JNI_POP_LOCAL_FRAME:
		req->a[0] = frame_pop(f, req->a[0]);
		return 0;
	case CORDON_JNI_ENSURE_LOCAL_CAPACITY:
		req->a[0] = req->a[0] >= 0 && req->a[0] <= SHIM_MAX_LOCALS - (int64_t)f->nlocals ? 0 : -1;
		return 0;
	case CORDON_JNI_GET_REF_TYPE:
		obj = frame_object(f, req->a[0]);
		req->a[0] = !obj ? JNIInvalidRefType :
			    (uint64_t)req->a[0] >> CORDON_JNI_KIND_SHIFT == CORDON_JNI_LOCAL ? JNILocalRefType :
			    (uint64_t)req->a[0] >> CORDON_JNI_KIND_SHIFT == CORDON_JNI_WEAK ? JNIWeakGlobalRefType :
			    JNIGlobalRefType;
		return 0;
	}
	return 1;
}

static int classes(struct frame *f, struct cordon_jni_req *req)
{
	JNIEnv *env = f->env;
	jobject a, b;

	switch (req->op) {
	case CORDON_JNI_GET_OBJECT_CLASS:
		a = object_of(f, req->a[0], NULL, "an object");
		req->a[0] = a ? local(f, (*env)->GetObjectClass(env, a)) : 0;
		return 0;
	case CORDON_JNI_GET_SUPERCLASS:
		a = class_of(f, req->a[0]);
		req->a[0] = a ? local(f, (*env)->GetSuperclass(env, a)) : 0;
		return 0;
	case CORDON_JNI_IS_ASSIGNABLE_FROM:
		a = class_of(f, req->a[0]);
		b = class_of(f, req->a[1]);
		req->a[0] = a && b && (*env)->IsAssignableFrom(env, a, b);
		return 0;
	case CORDON_JNI_IS_INSTANCE_OF:
		a = frame_object(f, req->a[0]);
		b = class_of(f, req->a[1]);
		req->a[0] = b && (*env)->IsInstanceOf(env, a, b);
		return 0;
	case CORDON_JNI_IS_SAME_OBJECT:
		a = frame_object(f, req->a[0]);
		b = frame_object(f, req->a[1]);
		req->a[0] = (*env)->IsSameObject(env, a, b);
		return 0;
	case CORDON_JNI_ALLOC_OBJECT:
		/* an object no constructor ran for: of the bundle's own classes only */
		a = class_of(f, req->a[0]);
		if (a)
			(*env)->CallVoidMethod(env, f->d->java, shim.check_allocatable, a);
		req->a[0] = a && !(*env)->ExceptionCheck(env) ? local(f, (*env)->AllocObject(env, a)) : 0;
		return 0;
	case CORDON_JNI_MONITOR_ENTER:
		a = object_of(f, req->a[0], NULL, "an object");
		req->a[0] = a ? (*env)->MonitorEnter(env, a) : -1;
		return 0;
	case CORDON_JNI_MONITOR_EXIT:
		a = object_of(f, req->a[0], NULL, "an object");
		req->a[0] = a ? (*env)->MonitorExit(env, a) : -1;
		return 0;
	}
	return 1;
}

static int exceptions(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	jobject t;
	const char *msg;

	switch (req->op) {
	case CORDON_JNI_THROW:
		t = object_of(f, req->a[0], shim.throwable_class, "a Throwable");
		req->a[0] = t ? (*env)->Throw(env, t) : -1;
		return 0;
	case CORDON_JNI_THROW_NEW:
		return throw_new(f, req, data, cap);
	case CORDON_JNI_EXCEPTION_OCCURRED:
		req->a[0] = local(f, (*env)->ExceptionOccurred(env));
		return 0;
	case CORDON_JNI_EXCEPTION_DESCRIBE:
		(*env)->ExceptionDescribe(env);
		return 0;
	case CORDON_JNI_EXCEPTION_CLEAR:
		(*env)->ExceptionClear(env);
		return 0;
	case CORDON_JNI_FATAL_ERROR:
		msg = data_string(f, data, req->data_len, cap);
		frame_violation(f, "FatalError: %.120s", msg ? msg : "(unreadable message)");
		return -1;
	case CORDON_JNI_UNSUPPORTED:
		frame_violation(f, "JNIEnv function %lld is not supported in a domain yet",
				(long long)req->a[0]);
		return -1;
	}
	return 1;
}

int serve_request(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	int rc;

	if (req->op >= CORDON_JNI_NREQ) {
		frame_violation(f, "unknown JNI request %u", req->op);
		return -1;
	}
	if ((*env)->ExceptionCheck(env) && !allowed_while_pending(req->op)) {
		/* as if it failed; HotSpot is not asked with an exception pending */
		req->a[0] = 0;
		req->data_len = 0;
		req->pending = 1;
		return 0;
	}
	if (req->op == CORDON_JNI_GET_VERSION) {
		req->a[0] = (*env)->GetVersion(env);
		rc = 0;
	} else if (req->op == CORDON_JNI_FIND_CLASS) {
		rc = find_class(f, req, data, cap);
	} else if ((rc = refs(f, req)) == 1 && (rc = classes(f, req)) == 1 &&
		   (rc = exceptions(f, req, data, cap)) == 1 && (rc = serve_calls(f, req, data, cap)) == 1) {
		rc = serve_arrays(f, req, data, cap);
	}
	if (rc == 1)
		frame_violation(f, "JNI request %u has no server", req->op);
	if (f->violation)
		return -1;
	req->pending = (*env)->ExceptionCheck(env);
	return 0;
}
