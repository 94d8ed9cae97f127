/*
 * Methods and fields: GetMethodID/GetFieldID and their static forms, every
 * Call*Method, NewObject, Get/Set*Field. An id remembers its declaring
 * class, its kinds and the class of each reference parameter (or of the
 * field), so that each use is checked before HotSpot sees it: the receiver
 * is an instance of the declaring class, the call's form and return type are
 * the method's, and each reference argument is of its parameter's class.
 */
#include <stdlib.h>
#include <string.h>

#include "jni/kinds.h"
#include "jni/shim.h"

enum { FORM_VIRTUAL = 0, FORM_NONVIRTUAL = 1, FORM_STATIC = 2 };

/* "name\0descriptor\0" in the data: both checked, both private copies */
static int name_and_descriptor(struct frame *f, struct cordon_jni_req *req, unsigned char *data,
			       uint64_t cap, const char **name, const char **sig)
{
	const char *all = data_string(f, data, req->data_len, cap);
	size_t n;
	const char *rest;

	if (!all)
		return -1;
	n = strlen(all) + 1;
	rest = all + n;
	if (n >= req->data_len || !memchr(rest, 0, req->data_len - n) ||
	    !cordon_jni_mutf8_valid((const unsigned char *)rest, strlen(rest))) {
		frame_violation(f, "a member lookup without a well-formed descriptor");
		return -1;
	}
	*name = all;
	*sig = rest;
	return 0;
}

static int64_t existing_method(struct frame *f, jmethodID id, int is_static, jclass cls)
{
	struct domain *d = f->d;
	int64_t h = 0;
	uint32_t i;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->nmethods && !h; i++)
		if (d->methods[i]->id == id && d->methods[i]->is_static == is_static &&
		    (*f->env)->IsSameObject(f->env, d->methods[i]->cls, cls))
			h = (int64_t)((uint64_t)CORDON_JNI_METHOD << CORDON_JNI_KIND_SHIFT | (i + 1));
	pthread_mutex_unlock(&d->lock);
	return h;
}

/* The classes of the method's reference parameters, from its reflection. */
static int parameter_classes(struct frame *f, struct method_entry *m)
{
	JNIEnv *env = f->env;
	jobject reflected = (*env)->ToReflectedMethod(env, m->cls, m->id, m->is_static);
	jobjectArray types;
	int i;

	if (!reflected)
		return -1;
	types = (*env)->CallObjectMethod(env, f->d->java, shim.parameter_types, reflected);
	if (!types || (*env)->GetArrayLength(env, types) != m->nparams)
		return -1;
	m->params = calloc((size_t)m->nparams + 1, sizeof(jclass));
	if (!m->params)
		return -1;
	for (i = 0; i < m->nparams; i++) {
		jobject c;

		if (m->kinds[i] != 'L')
			continue;
		c = (*env)->GetObjectArrayElement(env, types, i);
		m->params[i] = (*env)->NewGlobalRef(env, c);
		(*env)->DeleteLocalRef(env, c);
	}
	(*env)->DeleteLocalRef(env, types);
	(*env)->DeleteLocalRef(env, reflected);
	return 0;
}

static int get_method_id(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	jclass cls = class_of(f, req->a[0]);
	int is_static = req->a[1] != 0;
	const char *name, *sig;
	struct method_entry *m;
	jmethodID id;

	req->a[0] = 0;
	if (!cls || name_and_descriptor(f, req, data, cap, &name, &sig))
		return -1;
	m = calloc(1, sizeof(*m));
	if (!m || (m->nparams = cordon_jni_kinds(sig, m->kinds, sizeof(m->kinds))) < 0) {
		free(m);
		(*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/NoSuchMethodError"), sig);
		return 0;
	}
	id = is_static ? (*env)->GetStaticMethodID(env, cls, name, sig) : (*env)->GetMethodID(env, cls, name, sig);
	if (!id) {
		free(m);
		return 0; /* NoSuchMethodError is pending */
	}
	if ((req->a[0] = existing_method(f, id, is_static, cls))) {
		free(m);
		return 0;
	}
	m->id = id;
	m->cls = (*env)->NewGlobalRef(env, cls);
	m->is_static = is_static;
	m->is_ctor = !strcmp(name, "<init>");
	if (parameter_classes(f, m)) {
		free(m);
		return 0;
	}
	req->a[0] = domain_add_method(f, m);
	return 0;
}

/* The words of the call as jvalues, each reference checked against its parameter. */
static int arguments(struct frame *f, struct method_entry *m, struct cordon_jni_req *req,
		     unsigned char *data, jvalue *v)
{
	int i;

	if (req->data_len != (uint64_t)m->nparams * 8) {
		frame_violation(f, "a call with %llu bytes of arguments for %d parameters",
				(unsigned long long)req->data_len, m->nparams);
		return -1;
	}
	for (i = 0; i < m->nparams; i++) {
		int64_t w;
		jobject o;

		memcpy(&w, data + 8 * i, 8); /* read once */
		switch (m->kinds[i]) {
		case 'Z': v[i].z = w != 0; break;
		case 'B': v[i].b = (jbyte)w; break;
		case 'C': v[i].c = (jchar)w; break;
		case 'S': v[i].s = (jshort)w; break;
		case 'I': v[i].i = (jint)w; break;
		case 'J': v[i].j = w; break;
		case 'F': { uint32_t bits = (uint32_t)w; memcpy(&v[i].f, &bits, 4); break; }
		case 'D': memcpy(&v[i].d, &w, 8); break;
		default:
			o = frame_object(f, w);
			if (f->violation)
				return -1;
			if (o && m->params[i] && !(*f->env)->IsInstanceOf(f->env, o, m->params[i])) {
				frame_violation(f, "argument %d is not of its parameter's class", i + 1);
				return -1;
			}
			v[i].l = o;
		}
	}
	return 0;
}

static int64_t float_bits(jfloat x) { uint32_t b; memcpy(&b, &x, 4); return b; }
static int64_t double_bits(jdouble x) { int64_t b; memcpy(&b, &x, 8); return b; }

#define CALL(T, a) (form == FORM_STATIC ? (*env)->CallStatic##T##MethodA(env, cls, m->id, a) : \
		    form == FORM_NONVIRTUAL ? (*env)->CallNonvirtual##T##MethodA(env, obj, cls, m->id, a) : \
		    (*env)->Call##T##MethodA(env, obj, m->id, a))

static int64_t invoke(struct frame *f, int form, jobject obj, jclass cls, struct method_entry *m,
		      const jvalue *v)
{
	JNIEnv *env = f->env;

	switch (m->kinds[m->nparams + 1]) {
	case 'V':
		if (form == FORM_STATIC) (*env)->CallStaticVoidMethodA(env, cls, m->id, v);
		else if (form == FORM_NONVIRTUAL) (*env)->CallNonvirtualVoidMethodA(env, obj, cls, m->id, v);
		else (*env)->CallVoidMethodA(env, obj, m->id, v);
		return 0;
	case 'Z': return CALL(Boolean, v);
	case 'B': return CALL(Byte, v);
	case 'C': return CALL(Char, v);
	case 'S': return CALL(Short, v);
	case 'I': return CALL(Int, v);
	case 'J': return CALL(Long, v);
	case 'F': return float_bits(CALL(Float, v));
	case 'D': return double_bits(CALL(Double, v));
	default: return frame_add_local(f, CALL(Object, v));
	}
}

static int call_method(struct frame *f, struct cordon_jni_req *req, unsigned char *data)
{
	JNIEnv *env = f->env;
	struct method_entry *m = domain_method(f, req->a[1]);
	int form = (int)req->a[2];
	jobject obj = NULL;
	jclass cls = NULL;
	jvalue v[CORDON_JNI_MAX_KINDS];

	if (!m)
		return -1;
	if ((form == FORM_STATIC) != m->is_static || form < 0 || form > FORM_STATIC || m->is_ctor ||
	    req->a[3] != m->kinds[m->nparams + 1]) {
		frame_violation(f, "a call whose form or return type is not its method's");
		return -1;
	}
	if (form == FORM_STATIC) {
		cls = class_of(f, req->a[0]);
	} else {
		obj = object_of(f, req->a[0], m->cls, "an instance of the method's class");
		if (form == FORM_NONVIRTUAL)
			cls = class_of(f, req->a[4]);
	}
	if (f->violation)
		return -1;
	if (cls && (!(*env)->IsAssignableFrom(env, cls, m->cls) ||
		    (obj && !(*env)->IsInstanceOf(env, obj, cls)))) {
		frame_violation(f, "a call through a class that is not the method's");
		return -1;
	}
	if (arguments(f, m, req, data, v))
		return -1;
	req->a[0] = invoke(f, form, obj, cls, m, v);
	return 0;
}

static int new_object(struct frame *f, struct cordon_jni_req *req, unsigned char *data)
{
	JNIEnv *env = f->env;
	struct method_entry *m = domain_method(f, req->a[1]);
	jclass cls = class_of(f, req->a[0]);
	jvalue v[CORDON_JNI_MAX_KINDS];

	if (!m || !cls)
		return -1;
	if (!m->is_ctor || !(*env)->IsSameObject(env, cls, m->cls)) {
		frame_violation(f, "NewObject with a method that is not a constructor of the class");
		return -1;
	}
	if (arguments(f, m, req, data, v))
		return -1;
	req->a[0] = frame_add_local(f, (*env)->NewObjectA(env, cls, m->id, v));
	return 0;
}

static int get_field_id(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	jclass cls = class_of(f, req->a[0]);
	int is_static = req->a[1] != 0;
	const char *name, *sig;
	struct field_entry *e;
	jfieldID id;
	jobject reflected, type;

	req->a[0] = 0;
	if (!cls || name_and_descriptor(f, req, data, cap, &name, &sig))
		return -1;
	if (!cordon_jni_field_letter(sig)) {
		(*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/NoSuchFieldError"), name);
		return 0;
	}
	id = is_static ? (*env)->GetStaticFieldID(env, cls, name, sig) : (*env)->GetFieldID(env, cls, name, sig);
	if (!id)
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e)
		return 0;
	e->id = id;
	e->cls = (*env)->NewGlobalRef(env, cls);
	e->is_static = is_static;
	e->letter = cordon_jni_field_letter(sig);
	/* the Java side checks access (JNI would not) and names the type */
	reflected = (*env)->ToReflectedField(env, cls, id, is_static);
	type = reflected ? (*env)->CallObjectMethod(env, f->d->java, shim.field_type, reflected) : NULL;
	if (!type) {
		free(e);
		return 0;
	}
	e->settable = (*env)->CallBooleanMethod(env, f->d->java, shim.settable, reflected);
	if (e->letter == 'L')
		e->type = (*env)->NewGlobalRef(env, type);
	(*env)->DeleteLocalRef(env, type);
	(*env)->DeleteLocalRef(env, reflected);
	req->a[0] = domain_add_field(f, e);
	return 0;
}

#define GET(T) (e->is_static ? (*env)->GetStatic##T##Field(env, cls, e->id) : (*env)->Get##T##Field(env, obj, e->id))
#define SET(T, x) (e->is_static ? (*env)->SetStatic##T##Field(env, cls, e->id, x) : \
		   (*env)->Set##T##Field(env, obj, e->id, x))

static int64_t get_value(struct frame *f, struct field_entry *e, jobject obj, jclass cls)
{
	JNIEnv *env = f->env;

	switch (e->letter) {
	case 'Z': return GET(Boolean);
	case 'B': return GET(Byte);
	case 'C': return GET(Char);
	case 'S': return GET(Short);
	case 'I': return GET(Int);
	case 'J': return GET(Long);
	case 'F': return float_bits(GET(Float));
	case 'D': return double_bits(GET(Double));
	default: return frame_add_local(f, GET(Object));
	}
}

static int set_value(struct frame *f, struct field_entry *e, jobject obj, jclass cls, int64_t w)
{
	JNIEnv *env = f->env;
	jobject value;
	jfloat x;
	jdouble y;
	uint32_t bits = (uint32_t)w;

	switch (e->letter) {
	case 'Z': SET(Boolean, w != 0); break;
	case 'B': SET(Byte, (jbyte)w); break;
	case 'C': SET(Char, (jchar)w); break;
	case 'S': SET(Short, (jshort)w); break;
	case 'I': SET(Int, (jint)w); break;
	case 'J': SET(Long, w); break;
	case 'F': memcpy(&x, &bits, 4); SET(Float, x); break;
	case 'D': memcpy(&y, &w, 8); SET(Double, y); break;
	default:
		value = frame_object(f, w);
		if (f->violation)
			return -1;
		if (value && !(*env)->IsInstanceOf(env, value, e->type)) {
			frame_violation(f, "a field set to an object not of its class");
			return -1;
		}
		SET(Object, value);
	}
	return 0;
}

static int field(struct frame *f, struct cordon_jni_req *req)
{
	JNIEnv *env = f->env;
	struct field_entry *e = domain_field(f, req->a[1]);
	jobject obj = NULL;
	jclass cls = NULL;

	if (!e)
		return -1;
	if ((req->a[2] != 0) != e->is_static || req->a[3] != e->letter) {
		frame_violation(f, "a field access whose form or type is not its field's");
		return -1;
	}
	if (e->is_static) {
		cls = class_of(f, req->a[0]);
		if (cls && !(*env)->IsAssignableFrom(env, cls, e->cls))
			frame_violation(f, "a static field through a class that is not its own");
	} else {
		obj = object_of(f, req->a[0], e->cls, "an instance of the field's class");
	}
	if (f->violation)
		return -1;
	if (req->op == CORDON_JNI_GET_FIELD) {
		req->a[0] = get_value(f, e, obj, cls);
		return 0;
	}
	if (!e->settable) {
		/* JNI would write a final field of the JDK's (Boolean.TRUE); Java would not */
		frame_violation(f, "Set*Field of a final field not of the bundle's own");
		return -1;
	}
	return set_value(f, e, obj, cls, req->a[4]);
}

/* RegisterNatives, one method: the Java side checks that the class is the
 * bundle's own and declares that native method, and binds it to a trampoline */
static int register_native(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	jclass cls = class_of(f, req->a[0]);
	const char *name, *sig;
	jstring jname, jsig;

	req->a[0] = -1;
	if (!cls || name_and_descriptor(f, req, data, cap, &name, &sig))
		return -1;
	jname = (*env)->NewStringUTF(env, name);
	jsig = jname ? (*env)->NewStringUTF(env, sig) : NULL;
	if (jsig)
		req->a[0] = (*env)->CallIntMethod(env, f->d->java, shim.register_native, cls, jname, jsig);
	if ((*env)->ExceptionCheck(env))
		req->a[0] = -1;
	return 0;
}

int serve_calls(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	switch (req->op) {
	case CORDON_JNI_GET_METHOD_ID: return get_method_id(f, req, data, cap);
	case CORDON_JNI_CALL_METHOD: return call_method(f, req, data);
	case CORDON_JNI_NEW_OBJECT: return new_object(f, req, data);
	case CORDON_JNI_GET_FIELD_ID: return get_field_id(f, req, data, cap);
	case CORDON_JNI_REGISTER_NATIVE: return register_native(f, req, data, cap);
	case CORDON_JNI_GET_FIELD:
	case CORDON_JNI_SET_FIELD: return field(f, req);
	}
	return 1;
}
