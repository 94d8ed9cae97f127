/*
 * The library's JNIEnv: method and field ids, every Call*Method (the three
 * forms, each with ..., va_list and jvalue[]), NewObject, Get/Set*Field.
 * A method id's kinds are remembered here (from the descriptor the library
 * gave GetMethodID), so that a va_list can be read; the JVM checks every
 * call against its own record of the id all the same.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jni/kinds.h"
#include "jnihost/jnihost.h"

#define H(x) ((int64_t)(uintptr_t)(x))
#define OBJ(x) ((jobject)(uintptr_t)(x))

enum { FORM_VIRTUAL = 0, FORM_NONVIRTUAL = 1, FORM_STATIC = 2, FORM_NEW = 3 };

static char *kinds_of[CORDON_JNI_MAX_METHODS];
static pthread_mutex_t kinds_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t index_of(int64_t handle)
{
	return (int64_t)(uint32_t)handle - 1;
}

void jh_remember_method(int64_t handle, const char *descriptor)
{
	char kinds[CORDON_JNI_MAX_KINDS];
	int64_t i = index_of(handle);

	if (!handle || i < 0 || i >= CORDON_JNI_MAX_METHODS || cordon_jni_kinds(descriptor, kinds, sizeof(kinds)) < 0)
		return;
	pthread_mutex_lock(&kinds_lock);
	if (!kinds_of[i])
		kinds_of[i] = strdup(kinds);
	pthread_mutex_unlock(&kinds_lock);
}

const char *jh_method_kinds(int64_t handle)
{
	int64_t i = index_of(handle);
	const char *k = NULL;

	if (i < 0 || i >= CORDON_JNI_MAX_METHODS)
		return NULL;
	pthread_mutex_lock(&kinds_lock);
	k = kinds_of[i];
	pthread_mutex_unlock(&kinds_lock);
	return k;
}

static int64_t member_id(JNIEnv *env, uint32_t op, jclass c, int is_static, const char *name, const char *sig)
{
	struct jh_worker *w = jh_of(env);
	size_t a = strlen(name) + 1, b = strlen(sig) + 1;
	struct cordon_jni_req *r;
	int64_t id;

	if (a + b > jh_data_cap(w))
		jh_unsupported(w, -1);
	r = jh_req(w, op);
	r->a[0] = H(c);
	r->a[1] = is_static;
	memcpy(jh_data(w), name, a);
	memcpy(jh_data(w) + a, sig, b);
	r->data_len = a + b;
	id = jh_send(w);
	if (op == CORDON_JNI_GET_METHOD_ID)
		jh_remember_method(id, sig);
	return id;
}

static jmethodID GetMethodID(JNIEnv *e, jclass c, const char *n, const char *s) { return (jmethodID)(uintptr_t)member_id(e, CORDON_JNI_GET_METHOD_ID, c, 0, n, s); }
static jmethodID GetStaticMethodID(JNIEnv *e, jclass c, const char *n, const char *s) { return (jmethodID)(uintptr_t)member_id(e, CORDON_JNI_GET_METHOD_ID, c, 1, n, s); }
static jfieldID GetFieldID(JNIEnv *e, jclass c, const char *n, const char *s) { return (jfieldID)(uintptr_t)member_id(e, CORDON_JNI_GET_FIELD_ID, c, 0, n, s); }
static jfieldID GetStaticFieldID(JNIEnv *e, jclass c, const char *n, const char *s) { return (jfieldID)(uintptr_t)member_id(e, CORDON_JNI_GET_FIELD_ID, c, 1, n, s); }

static int64_t jvalue_word(char k, jvalue v)
{
	switch (k) {
	case 'Z': return v.z;
	case 'B': return v.b;
	case 'C': return v.c;
	case 'S': return v.s;
	case 'I': return v.i;
	case 'J': return v.j;
	case 'F': { uint32_t b; memcpy(&b, &v.f, 4); return b; }
	case 'D': { int64_t b; memcpy(&b, &v.d, 8); return b; }
	default: return H(v.l);
	}
}

static int64_t call_a(JNIEnv *env, int form, jobject o, jclass c, jmethodID m, char ret, const jvalue *args)
{
	struct jh_worker *w = jh_of(env);
	const char *kinds = jh_method_kinds(H(m));
	int n = kinds ? (int)(strchr(kinds, ')') - kinds) : 0, i;
	struct cordon_jni_req *r = jh_req(w, form == FORM_NEW ? CORDON_JNI_NEW_OBJECT : CORDON_JNI_CALL_METHOD);
	unsigned char *data = jh_data(w);

	r->a[0] = form == FORM_STATIC || form == FORM_NEW ? H(c) : H(o);
	r->a[1] = H(m);
	r->a[2] = form;
	r->a[3] = ret;
	r->a[4] = H(c);
	for (i = 0; i < n; i++) {
		int64_t x = jvalue_word(kinds[i], args[i]);

		memcpy(data + 8 * i, &x, 8);
	}
	r->data_len = (uint64_t)n * 8; /* an unknown id: no words, and the JVM refuses it */
	return jh_send(w);
}

static int64_t call_v(JNIEnv *env, int form, jobject o, jclass c, jmethodID m, char ret, va_list ap)
{
	const char *kinds = jh_method_kinds(H(m));
	jvalue v[CORDON_JNI_MAX_KINDS];
	int i;

	for (i = 0; kinds && kinds[i] != ')'; i++) {
		switch (kinds[i]) {
		case 'Z': v[i].z = (jboolean)va_arg(ap, int); break;
		case 'B': v[i].b = (jbyte)va_arg(ap, int); break;
		case 'C': v[i].c = (jchar)va_arg(ap, int); break;
		case 'S': v[i].s = (jshort)va_arg(ap, int); break;
		case 'I': v[i].i = va_arg(ap, jint); break;
		case 'J': v[i].j = va_arg(ap, jlong); break;
		case 'F': v[i].f = (jfloat)va_arg(ap, double); break;
		case 'D': v[i].d = va_arg(ap, double); break;
		default: v[i].l = va_arg(ap, jobject); break;
		}
	}
	return call_a(env, form, o, c, m, ret, v);
}

static jfloat as_float(int64_t w) { uint32_t b = (uint32_t)w; jfloat f; memcpy(&f, &b, 4); return f; }
static jdouble as_double(int64_t w) { jdouble d; memcpy(&d, &w, 8); return d; }
static int64_t float_word(jfloat f) { uint32_t b; memcpy(&b, &f, 4); return b; }
static int64_t double_word(jdouble d) { int64_t b; memcpy(&b, &d, 8); return b; }
#define AS_OBJECT(w) OBJ(w)
#define AS_INT(w) (w)
#define OBJECT_WORD(x) H(x)
#define INT_WORD(x) ((int64_t)(x))

#define CALLS(T, t, L, conv) \
static t Call##T##MethodA(JNIEnv *e, jobject o, jmethodID m, const jvalue *a) { return (t)conv(call_a(e, FORM_VIRTUAL, o, NULL, m, L, a)); } \
static t Call##T##MethodV(JNIEnv *e, jobject o, jmethodID m, va_list ap) { return (t)conv(call_v(e, FORM_VIRTUAL, o, NULL, m, L, ap)); } \
static t Call##T##Method(JNIEnv *e, jobject o, jmethodID m, ...) { va_list ap; int64_t r; va_start(ap, m); r = call_v(e, FORM_VIRTUAL, o, NULL, m, L, ap); va_end(ap); return (t)conv(r); } \
static t CallNonvirtual##T##MethodA(JNIEnv *e, jobject o, jclass c, jmethodID m, const jvalue *a) { return (t)conv(call_a(e, FORM_NONVIRTUAL, o, c, m, L, a)); } \
static t CallNonvirtual##T##MethodV(JNIEnv *e, jobject o, jclass c, jmethodID m, va_list ap) { return (t)conv(call_v(e, FORM_NONVIRTUAL, o, c, m, L, ap)); } \
static t CallNonvirtual##T##Method(JNIEnv *e, jobject o, jclass c, jmethodID m, ...) { va_list ap; int64_t r; va_start(ap, m); r = call_v(e, FORM_NONVIRTUAL, o, c, m, L, ap); va_end(ap); return (t)conv(r); } \
static t CallStatic##T##MethodA(JNIEnv *e, jclass c, jmethodID m, const jvalue *a) { return (t)conv(call_a(e, FORM_STATIC, NULL, c, m, L, a)); } \
static t CallStatic##T##MethodV(JNIEnv *e, jclass c, jmethodID m, va_list ap) { return (t)conv(call_v(e, FORM_STATIC, NULL, c, m, L, ap)); } \
static t CallStatic##T##Method(JNIEnv *e, jclass c, jmethodID m, ...) { va_list ap; int64_t r; va_start(ap, m); r = call_v(e, FORM_STATIC, NULL, c, m, L, ap); va_end(ap); return (t)conv(r); }

CALLS(Object, jobject, 'L', AS_OBJECT)
CALLS(Boolean, jboolean, 'Z', AS_INT)
CALLS(Byte, jbyte, 'B', AS_INT)
CALLS(Char, jchar, 'C', AS_INT)
CALLS(Short, jshort, 'S', AS_INT)
CALLS(Int, jint, 'I', AS_INT)
CALLS(Long, jlong, 'J', AS_INT)
CALLS(Float, jfloat, 'F', as_float)
CALLS(Double, jdouble, 'D', as_double)

static void CallVoidMethodA(JNIEnv *e, jobject o, jmethodID m, const jvalue *a) { call_a(e, FORM_VIRTUAL, o, NULL, m, 'V', a); }
static void CallVoidMethodV(JNIEnv *e, jobject o, jmethodID m, va_list ap) { call_v(e, FORM_VIRTUAL, o, NULL, m, 'V', ap); }
static void CallVoidMethod(JNIEnv *e, jobject o, jmethodID m, ...) { va_list ap; va_start(ap, m); call_v(e, FORM_VIRTUAL, o, NULL, m, 'V', ap); va_end(ap); }
static void CallNonvirtualVoidMethodA(JNIEnv *e, jobject o, jclass c, jmethodID m, const jvalue *a) { call_a(e, FORM_NONVIRTUAL, o, c, m, 'V', a); }
static void CallNonvirtualVoidMethodV(JNIEnv *e, jobject o, jclass c, jmethodID m, va_list ap) { call_v(e, FORM_NONVIRTUAL, o, c, m, 'V', ap); }
static void CallNonvirtualVoidMethod(JNIEnv *e, jobject o, jclass c, jmethodID m, ...) { va_list ap; va_start(ap, m); call_v(e, FORM_NONVIRTUAL, o, c, m, 'V', ap); va_end(ap); }
static void CallStaticVoidMethodA(JNIEnv *e, jclass c, jmethodID m, const jvalue *a) { call_a(e, FORM_STATIC, NULL, c, m, 'V', a); }
static void CallStaticVoidMethodV(JNIEnv *e, jclass c, jmethodID m, va_list ap) { call_v(e, FORM_STATIC, NULL, c, m, 'V', ap); }
static void CallStaticVoidMethod(JNIEnv *e, jclass c, jmethodID m, ...) { va_list ap; va_start(ap, m); call_v(e, FORM_STATIC, NULL, c, m, 'V', ap); va_end(ap); }

static jobject NewObjectA(JNIEnv *e, jclass c, jmethodID m, const jvalue *a) { return OBJ(call_a(e, FORM_NEW, NULL, c, m, 'V', a)); }
static jobject NewObjectV(JNIEnv *e, jclass c, jmethodID m, va_list ap) { return OBJ(call_v(e, FORM_NEW, NULL, c, m, 'V', ap)); }
static jobject NewObject(JNIEnv *e, jclass c, jmethodID m, ...) { va_list ap; int64_t r; va_start(ap, m); r = call_v(e, FORM_NEW, NULL, c, m, 'V', ap); va_end(ap); return OBJ(r); }

static int64_t field(JNIEnv *env, uint32_t op, int64_t target, jfieldID f, int is_static, char letter, int64_t value)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, op);

	r->a[0] = target;
	r->a[1] = H(f);
	r->a[2] = is_static;
	r->a[3] = letter;
	r->a[4] = value;
	return jh_send(w);
}

#define FIELDS(T, t, L, conv, word) \
static t Get##T##Field(JNIEnv *e, jobject o, jfieldID f) { return (t)conv(field(e, CORDON_JNI_GET_FIELD, H(o), f, 0, L, 0)); } \
static void Set##T##Field(JNIEnv *e, jobject o, jfieldID f, t v) { field(e, CORDON_JNI_SET_FIELD, H(o), f, 0, L, word(v)); } \
static t GetStatic##T##Field(JNIEnv *e, jclass c, jfieldID f) { return (t)conv(field(e, CORDON_JNI_GET_FIELD, H(c), f, 1, L, 0)); } \
static void SetStatic##T##Field(JNIEnv *e, jclass c, jfieldID f, t v) { field(e, CORDON_JNI_SET_FIELD, H(c), f, 1, L, word(v)); }

FIELDS(Object, jobject, 'L', AS_OBJECT, OBJECT_WORD)
FIELDS(Boolean, jboolean, 'Z', AS_INT, INT_WORD)
FIELDS(Byte, jbyte, 'B', AS_INT, INT_WORD)
FIELDS(Char, jchar, 'C', AS_INT, INT_WORD)
FIELDS(Short, jshort, 'S', AS_INT, INT_WORD)
FIELDS(Int, jint, 'I', AS_INT, INT_WORD)
FIELDS(Long, jlong, 'J', AS_INT, INT_WORD)
FIELDS(Float, jfloat, 'F', as_float, float_word)
FIELDS(Double, jdouble, 'D', as_double, double_word)

#define FILL_CALLS(T) \
	t->Call##T##Method = Call##T##Method; t->Call##T##MethodV = Call##T##MethodV; \
	t->Call##T##MethodA = Call##T##MethodA; t->CallNonvirtual##T##Method = CallNonvirtual##T##Method; \
	t->CallNonvirtual##T##MethodV = CallNonvirtual##T##MethodV; \
	t->CallNonvirtual##T##MethodA = CallNonvirtual##T##MethodA; \
	t->CallStatic##T##Method = CallStatic##T##Method; t->CallStatic##T##MethodV = CallStatic##T##MethodV; \
	t->CallStatic##T##MethodA = CallStatic##T##MethodA;
#define FILL_FIELDS(T) \
	t->Get##T##Field = Get##T##Field; t->Set##T##Field = Set##T##Field; \
	t->GetStatic##T##Field = GetStatic##T##Field; t->SetStatic##T##Field = SetStatic##T##Field;

void jh_fill_calls(struct JNINativeInterface_ *t)
{
	t->GetMethodID = GetMethodID;
	t->GetStaticMethodID = GetStaticMethodID;
	t->GetFieldID = GetFieldID;
	t->GetStaticFieldID = GetStaticFieldID;
	FILL_CALLS(Object) FILL_CALLS(Boolean) FILL_CALLS(Byte) FILL_CALLS(Char) FILL_CALLS(Short)
	FILL_CALLS(Int) FILL_CALLS(Long) FILL_CALLS(Float) FILL_CALLS(Double) FILL_CALLS(Void)
	t->NewObject = NewObject;
	t->NewObjectV = NewObjectV;
	t->NewObjectA = NewObjectA;
	FILL_FIELDS(Object) FILL_FIELDS(Boolean) FILL_FIELDS(Byte) FILL_FIELDS(Char) FILL_FIELDS(Short)
	FILL_FIELDS(Int) FILL_FIELDS(Long) FILL_FIELDS(Float) FILL_FIELDS(Double)
}
