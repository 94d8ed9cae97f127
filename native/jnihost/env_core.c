/*
 * The library's JNIEnv: classes, references, exceptions, monitors, the
 * JavaVM. Each function is one request to the JVM (outbound.c), or none at
 * all where the answer is already here (ExceptionCheck). A function the
 * table does not fill is a stub that ends the domain, naming the function's
 * index: nothing a library calls is silently wrong.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jnihost/jnihost.h"

#ifndef JNI_VERSION_24
#error "cordon-jni-host needs the jni.h of JDK 25 (the JVM's JNIEnv table): set JAVA_HOME"
#endif

#define H(x) ((int64_t)(uintptr_t)(x))
#define OBJ(x) ((jobject)(uintptr_t)(x))

static int64_t one(JNIEnv *env, uint32_t op, int64_t a0, int64_t a1)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, op);

	r->a[0] = a0;
	r->a[1] = a1;
	return jh_send(w);
}

/* a request whose data is a NUL-terminated string (too long: the domain ends) */
static int64_t with_string(JNIEnv *env, uint32_t op, int64_t a0, const char *s)
{
	struct jh_worker *w = jh_of(env);
	size_t n = strlen(s) + 1;
	struct cordon_jni_req *r;

	if (n > jh_data_cap(w))
		jh_unsupported(w, -1);
	r = jh_req(w, op);
	r->a[0] = a0;
	memcpy(jh_data(w), s, n);
	r->data_len = n;
	return jh_send(w);
}

static jint GetVersion(JNIEnv *env) { return (jint)one(env, CORDON_JNI_GET_VERSION, 0, 0); }
static jclass FindClass(JNIEnv *env, const char *name) { return OBJ(with_string(env, CORDON_JNI_FIND_CLASS, 0, name)); }
static jclass GetSuperclass(JNIEnv *env, jclass c) { return OBJ(one(env, CORDON_JNI_GET_SUPERCLASS, H(c), 0)); }
static jboolean IsAssignableFrom(JNIEnv *env, jclass a, jclass b) { return one(env, CORDON_JNI_IS_ASSIGNABLE_FROM, H(a), H(b)) != 0; }
static jint Throw(JNIEnv *env, jthrowable t) { return (jint)one(env, CORDON_JNI_THROW, H(t), 0); }
static jint ThrowNew(JNIEnv *env, jclass c, const char *msg) { return (jint)with_string(env, CORDON_JNI_THROW_NEW, H(c), msg ? msg : ""); }
static jthrowable ExceptionOccurred(JNIEnv *env) { return OBJ(one(env, CORDON_JNI_EXCEPTION_OCCURRED, 0, 0)); }
static void ExceptionDescribe(JNIEnv *env) { one(env, CORDON_JNI_EXCEPTION_DESCRIBE, 0, 0); }
static jboolean ExceptionCheck(JNIEnv *env) { return (jboolean)jh_of(env)->pending; }

static void ExceptionClear(JNIEnv *env)
{
	one(env, CORDON_JNI_EXCEPTION_CLEAR, 0, 0);
}

static void FatalError(JNIEnv *env, const char *msg)
{
	with_string(env, CORDON_JNI_FATAL_ERROR, 0, msg ? msg : "");
	_exit(134); /* the JVM ends the domain and answers nothing */
}

static jint PushLocalFrame(JNIEnv *env, jint n) { return (jint)one(env, CORDON_JNI_PUSH_LOCAL_FRAME, n, 0); }
static jobject PopLocalFrame(JNIEnv *env, jobject r) { return OBJ(one(env, CORDON_JNI_POP_LOCAL_FRAME, H(r), 0)); }
static jobject NewGlobalRef(JNIEnv *env, jobject o) { return OBJ(one(env, CORDON_JNI_NEW_GLOBAL_REF, H(o), 0)); }
static void DeleteGlobalRef(JNIEnv *env, jobject o) { if (o) one(env, CORDON_JNI_DELETE_GLOBAL_REF, H(o), 0); }
static void DeleteLocalRef(JNIEnv *env, jobject o) { if (o) one(env, CORDON_JNI_DELETE_LOCAL_REF, H(o), 0); }
static jboolean IsSameObject(JNIEnv *env, jobject a, jobject b) { return a == b || one(env, CORDON_JNI_IS_SAME_OBJECT, H(a), H(b)) != 0; }
static jobject NewLocalRef(JNIEnv *env, jobject o) { return o ? OBJ(one(env, CORDON_JNI_NEW_LOCAL_REF, H(o), 0)) : NULL; }
static jint EnsureLocalCapacity(JNIEnv *env, jint n) { return (jint)one(env, CORDON_JNI_ENSURE_LOCAL_CAPACITY, n, 0); }
static jobject AllocObject(JNIEnv *env, jclass c) { return OBJ(one(env, CORDON_JNI_ALLOC_OBJECT, H(c), 0)); }
static jclass GetObjectClass(JNIEnv *env, jobject o) { return OBJ(one(env, CORDON_JNI_GET_OBJECT_CLASS, H(o), 0)); }
static jboolean IsInstanceOf(JNIEnv *env, jobject o, jclass c) { return one(env, CORDON_JNI_IS_INSTANCE_OF, H(o), H(c)) != 0; }
static jint MonitorEnter(JNIEnv *env, jobject o) { return (jint)one(env, CORDON_JNI_MONITOR_ENTER, H(o), 0); }
static jint MonitorExit(JNIEnv *env, jobject o) { return (jint)one(env, CORDON_JNI_MONITOR_EXIT, H(o), 0); }
static jweak NewWeakGlobalRef(JNIEnv *env, jobject o) { return OBJ(one(env, CORDON_JNI_NEW_WEAK_GLOBAL_REF, H(o), 0)); }
static void DeleteWeakGlobalRef(JNIEnv *env, jweak o) { if (o) one(env, CORDON_JNI_DELETE_WEAK_GLOBAL_REF, H(o), 0); }
static jobjectRefType GetObjectRefType(JNIEnv *env, jobject o) { return (jobjectRefType)one(env, CORDON_JNI_GET_REF_TYPE, H(o), 0); }
/* each method: the JVM binds it to a trampoline and names its index */
static jint RegisterNatives(JNIEnv *env, jclass c, const JNINativeMethod *methods, jint n)
{
	struct jh_worker *w = jh_of(env);
	jint i;

	for (i = 0; i < n; i++) {
		size_t a = strlen(methods[i].name) + 1, b = strlen(methods[i].signature) + 1;
		struct cordon_jni_req *r;
		int64_t index;

		if (a + b > jh_data_cap(w))
			return JNI_ERR;
		r = jh_req(w, CORDON_JNI_REGISTER_NATIVE);
		r->a[0] = H(c);
		memcpy(jh_data(w), methods[i].name, a);
		memcpy(jh_data(w) + a, methods[i].signature, b);
		r->data_len = a + b;
		index = jh_send(w);
		if (index < 0 || w->pending ||
		    jh_register_native((uint32_t)index, methods[i].fnPtr, methods[i].signature) != CORDON_STATUS_OK)
			return JNI_ERR;
	}
	return JNI_OK;
}

static jboolean IsVirtualThread(JNIEnv *env, jobject o) { (void)env; (void)o; return JNI_FALSE; }

static jint GetJavaVM(JNIEnv *env, JavaVM **vm)
{
	(void)env;
	*vm = &jh_vm;
	return JNI_OK;
}

/* --- the JavaVM: a worker thread has its JNIEnv; no other thread does yet --- */

static jint vm_env(JavaVM *vm, void **penv, jint version)
{
	(void)vm;
	(void)version;
	if (!jh_self) {
		*penv = NULL;
		return JNI_EDETACHED;
	}
	*penv = &jh_self->env;
	return JNI_OK;
}

static jint vm_attach(JavaVM *vm, void **penv, void *args)
{
	(void)args;
	return vm_env(vm, penv, JNI_VERSION_1_8) == JNI_OK ? JNI_OK : JNI_ERR;
}

static jint vm_detach(JavaVM *vm) { (void)vm; return jh_self ? JNI_OK : JNI_EDETACHED; }
static jint vm_destroy(JavaVM *vm) { (void)vm; return JNI_ERR; }

static const struct JNIInvokeInterface_ vm_functions = {
	.DestroyJavaVM = vm_destroy,
	.AttachCurrentThread = vm_attach,
	.DetachCurrentThread = vm_detach,
	.GetEnv = vm_env,
	.AttachCurrentThreadAsDaemon = vm_attach,
};
JavaVM jh_vm = &vm_functions;

/* --- stubs for the rest: each ends the domain with its index --- */

#define STUB(n, m) static void stub##n##_##m(JNIEnv *env) { jh_unsupported(jh_of(env), n * 8 + m); }
#define STUB8(n) STUB(n, 0) STUB(n, 1) STUB(n, 2) STUB(n, 3) STUB(n, 4) STUB(n, 5) STUB(n, 6) STUB(n, 7)
#define REF8(n) stub##n##_0, stub##n##_1, stub##n##_2, stub##n##_3, stub##n##_4, stub##n##_5, \
	stub##n##_6, stub##n##_7
STUB8(0) STUB8(1) STUB8(2) STUB8(3) STUB8(4) STUB8(5) STUB8(6) STUB8(7) STUB8(8) STUB8(9)
STUB8(10) STUB8(11) STUB8(12) STUB8(13) STUB8(14) STUB8(15) STUB8(16) STUB8(17) STUB8(18) STUB8(19)
STUB8(20) STUB8(21) STUB8(22) STUB8(23) STUB8(24) STUB8(25) STUB8(26) STUB8(27) STUB8(28) STUB8(29)
STUB8(30) STUB8(31)
static void (*const stubs[])(JNIEnv *) = {
	REF8(0), REF8(1), REF8(2), REF8(3), REF8(4), REF8(5), REF8(6), REF8(7), REF8(8), REF8(9),
	REF8(10), REF8(11), REF8(12), REF8(13), REF8(14), REF8(15), REF8(16), REF8(17), REF8(18), REF8(19),
	REF8(20), REF8(21), REF8(22), REF8(23), REF8(24), REF8(25), REF8(26), REF8(27), REF8(28), REF8(29),
	REF8(30), REF8(31),
};

struct JNINativeInterface_ jh_functions;

_Static_assert(sizeof(stubs) >= sizeof(struct JNINativeInterface_), "a stub for every entry");

/* Every entry a stub, then the functions this domain offers. */
void jh_init_functions(void)
{
	void **entry = (void **)&jh_functions;
	size_t i;

	for (i = 0; i < sizeof(jh_functions) / sizeof(void *); i++)
		entry[i] = (void *)stubs[i];
	jh_fill_core(&jh_functions);
	jh_fill_calls(&jh_functions);
	jh_fill_arrays(&jh_functions);
}

void jh_fill_core(struct JNINativeInterface_ *t)
{
	t->GetVersion = GetVersion;
	t->FindClass = FindClass;
	t->GetSuperclass = GetSuperclass;
	t->IsAssignableFrom = IsAssignableFrom;
	t->Throw = Throw;
	t->ThrowNew = ThrowNew;
	t->ExceptionOccurred = ExceptionOccurred;
	t->ExceptionDescribe = ExceptionDescribe;
	t->ExceptionClear = ExceptionClear;
	t->FatalError = FatalError;
	t->PushLocalFrame = PushLocalFrame;
	t->PopLocalFrame = PopLocalFrame;
	t->NewGlobalRef = NewGlobalRef;
	t->DeleteGlobalRef = DeleteGlobalRef;
	t->DeleteLocalRef = DeleteLocalRef;
	t->IsSameObject = IsSameObject;
	t->NewLocalRef = NewLocalRef;
	t->EnsureLocalCapacity = EnsureLocalCapacity;
	t->AllocObject = AllocObject;
	t->GetObjectClass = GetObjectClass;
	t->IsInstanceOf = IsInstanceOf;
	t->MonitorEnter = MonitorEnter;
	t->MonitorExit = MonitorExit;
	t->GetJavaVM = GetJavaVM;
	t->ExceptionCheck = ExceptionCheck;
	t->NewWeakGlobalRef = NewWeakGlobalRef;
	t->DeleteWeakGlobalRef = DeleteWeakGlobalRef;
	t->GetObjectRefType = GetObjectRefType;
	t->IsVirtualThread = IsVirtualThread;
	t->RegisterNatives = RegisterNatives;
}
