/*
 * The library's JNIEnv: arrays, strings, direct buffers. All of them are
 * copies in this process's memory (isCopy = JNI_TRUE), filled and written
 * back region by region through the data area of the lane (a 16 MiB array
 * is many requests, never a bigger channel). Release*ArrayElements follows
 * the spec's modes: 0 copies back and frees, JNI_COMMIT copies back,
 * JNI_ABORT frees; mode 0 writes back at the library's next request or
 * with DONE (returns.c). A direct buffer is copied in on first use in a
 * call and back when the call returns. An array or buffer the JVM sent
 * with the call (offers.c) needs no request at all.
 */
#include <stdlib.h>
#include <string.h>

#include "jnihost/jnihost.h"

#define H(x) ((int64_t)(uintptr_t)(x))
#define OBJ(x) ((jobject)(uintptr_t)(x))

static void out_of_memory(JNIEnv *env, const char *what)
{
	jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");

	if (oom)
		(*env)->ThrowNew(env, oom, what);
}

static jsize GetArrayLength(JNIEnv *env, jarray a)
{
	struct jh_worker *w = jh_of(env);
	struct offer *o = jh_offer(w, H(a), 0);
	struct cordon_jni_req *r;

	if (o)
		return (jsize)o->count; /* an array's length never changes */
	r = jh_req(w, CORDON_JNI_GET_ARRAY_LENGTH);
	r->a[0] = H(a);
	return (jsize)jh_send(w);
}

/* Moves len elements at start between the array and buf, a data area at a time. */
static void move_region(JNIEnv *env, int get, int64_t array, char letter, int64_t start, int64_t len, void *buf)
{
	struct jh_worker *w = jh_of(env);
	int size = cordon_jni_kind_size(letter) ? cordon_jni_kind_size(letter) : 1;
	int64_t step = (int64_t)(jh_data_cap(w) / (uint64_t)size), done = 0;

	do {
		int64_t n = len - done < step ? len - done : step;
		struct cordon_jni_req *r = jh_req(w, get ? CORDON_JNI_GET_ARRAY_REGION : CORDON_JNI_SET_ARRAY_REGION);

		r->a[0] = array;
		r->a[1] = letter;
		r->a[2] = start + done;
		r->a[3] = n;
		if (!get) {
			memcpy(jh_data(w), (char *)buf + done * size, (size_t)(n * size));
			r->data_len = (uint64_t)(n * size);
		}
		jh_send(w);
		if (w->pending)
			return;
		if (get)
			memcpy((char *)buf + done * size, jh_data(w), (size_t)(n * size));
		done += n;
	} while (done < len);
}

/*
 * letter 0: whatever the array holds (GetPrimitiveArrayCritical). The
 * length comes with the first elements; a pristine copy lets Release write
 * back only the pieces the library changed.
 */
/* the copy made of the call's offer of that array, NULL if there is none */
static void *offered_elements(struct jh_worker *w, jarray a, char letter)
{
	struct offer *o = jh_offer(w, H(a), 0);
	size_t bytes;
	struct elems *e;

	if (!o || (letter && letter != o->letter))
		return NULL;
	bytes = (size_t)o->count * jh_elem_size(o->letter);
	e = malloc(sizeof(*e) + bytes);
	if (!e)
		return NULL;
	e->len = o->count;
	e->letter = o->letter;
	e->offered = 1;
	memcpy(e + 1, o->bytes, bytes);
	e->pristine = o->bytes; /* the offer's bytes are as the array came */
	o->bytes = NULL;
	return e + 1;
}

static void *get_elements(JNIEnv *env, jarray a, char letter, jboolean *is_copy)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r;
	int64_t len, first;
	struct elems *e;
	size_t size, bytes;
	char held;
	void *offered = offered_elements(w, a, letter);

	if (offered) {
		if (is_copy)
			*is_copy = JNI_TRUE;
		return offered;
	}
	r = jh_req(w, CORDON_JNI_GET_ARRAY_LENGTH);
	r->a[0] = H(a);
	r->a[1] = 1; /* and its first elements */
	len = jh_send(w);
	held = (char)r->a[1];
	first = r->a[2];
	if (w->pending || len < 0)
		return NULL;
	if (!letter)
		letter = held;
	size = jh_elem_size(letter);
	bytes = (size_t)len * size;
	e = malloc(sizeof(*e) + bytes);
	if (!e) {
		out_of_memory(env, "Cordon: no memory in the domain for an array copy");
		return NULL;
	}
	e->len = len;
	e->letter = letter;
	e->offered = 0;
	if (letter == held && first >= 0 && first <= len && (uint64_t)first * size <= r->data_len) {
		memcpy(e + 1, jh_data(w), (size_t)first * size);
	} else {
		first = 0;
	}
	if (first < len)
		move_region(env, 1, H(a), letter, first, len - first, (char *)(e + 1) + first * size);
	e->pristine = malloc(bytes ? bytes : 1);
	if (e->pristine)
		memcpy(e->pristine, e + 1, bytes);
	if (is_copy)
		*is_copy = JNI_TRUE;
	return e + 1;
}

static void release_elements(JNIEnv *env, jarray a, void *elems, jint mode)
{
	struct elems *e;

	if (!elems)
		return;
	e = (struct elems *)elems - 1;
	/* an array asked for may be an offered one under another handle:
	 * once it is written, the offer would be stale (offered objects are
	 * never the same object twice) */
	if (!e->offered && mode != JNI_ABORT)
		jh_drop_offers(jh_of(env));
	if (mode == JNI_COMMIT) {
		jh_flush_released(jh_of(env)); /* the JVM sees releases in order */
		jh_write_back(jh_of(env), H(a), e);
	} else if (mode == JNI_ABORT) {
		free(e->pristine);
		free(e);
	} else {
		jh_release_later(jh_of(env), H(a), e); /* written back, then freed */
	}
}

static void *GetPrimitiveArrayCritical(JNIEnv *env, jarray a, jboolean *c) { return get_elements(env, a, 0, c); }
static void ReleasePrimitiveArrayCritical(JNIEnv *env, jarray a, void *p, jint mode) { release_elements(env, a, p, mode); }

static jarray new_array(JNIEnv *env, char letter, jsize n)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, CORDON_JNI_NEW_ARRAY);

	r->a[0] = letter;
	r->a[1] = n;
	return OBJ(jh_send(w));
}

#define ARRAYS(T, t, L) \
static t##Array New##T##Array(JNIEnv *e, jsize n) { return (t##Array)new_array(e, L, n); } \
static t *Get##T##ArrayElements(JNIEnv *e, t##Array a, jboolean *c) { return get_elements(e, a, L, c); } \
static void Release##T##ArrayElements(JNIEnv *e, t##Array a, t *p, jint mode) { release_elements(e, a, p, mode); } \
static void Get##T##ArrayRegion(JNIEnv *e, t##Array a, jsize s, jsize n, t *buf) { if (n > 0) move_region(e, 1, H(a), L, s, n, buf); } \
static void Set##T##ArrayRegion(JNIEnv *e, t##Array a, jsize s, jsize n, const t *buf) { if (n > 0) move_region(e, 0, H(a), L, s, n, (void *)buf); }

ARRAYS(Boolean, jboolean, 'Z')
ARRAYS(Byte, jbyte, 'B')
ARRAYS(Char, jchar, 'C')
ARRAYS(Short, jshort, 'S')
ARRAYS(Int, jint, 'I')
ARRAYS(Long, jlong, 'J')
ARRAYS(Float, jfloat, 'F')
ARRAYS(Double, jdouble, 'D')

static jobjectArray NewObjectArray(JNIEnv *env, jsize n, jclass c, jobject init)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, CORDON_JNI_NEW_OBJECT_ARRAY);

	r->a[0] = n;
	r->a[1] = H(c);
	r->a[2] = H(init);
	return OBJ(jh_send(w));
}

static jobject GetObjectArrayElement(JNIEnv *env, jobjectArray a, jsize i)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, CORDON_JNI_GET_OBJECT_ARRAY_ELEMENT);

	r->a[0] = H(a);
	r->a[1] = i;
	return OBJ(jh_send(w));
}

static void SetObjectArrayElement(JNIEnv *env, jobjectArray a, jsize i, jobject v)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, CORDON_JNI_SET_OBJECT_ARRAY_ELEMENT);

	r->a[0] = H(a);
	r->a[1] = i;
	r->a[2] = H(v);
	jh_send(w);
}

/* --- strings --- */

static int64_t string_op(JNIEnv *env, uint32_t op, jstring s, int64_t a1, int64_t a2)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, op);

	r->a[0] = H(s);
	r->a[1] = a1;
	r->a[2] = a2;
	return jh_send(w);
}

static jsize GetStringLength(JNIEnv *e, jstring s) { return (jsize)string_op(e, CORDON_JNI_GET_STRING_LENGTH, s, 0, 0); }
static jsize GetStringUTFLength(JNIEnv *e, jstring s) { return (jsize)string_op(e, CORDON_JNI_GET_STRING_UTF_LENGTH, s, 0, 0); }

static jstring NewString(JNIEnv *env, const jchar *chars, jsize n)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r;

	if (n < 0 || (uint64_t)n * 2 > jh_data_cap(w))
		jh_unsupported(w, -2); /* longer strings: not yet */
	r = jh_req(w, CORDON_JNI_NEW_STRING);
	memcpy(jh_data(w), chars, (size_t)n * 2);
	r->data_len = (uint64_t)n * 2;
	return OBJ(jh_send(w));
}

static jstring NewStringUTF(JNIEnv *env, const char *utf)
{
	struct jh_worker *w = jh_of(env);
	size_t n = utf ? strlen(utf) + 1 : 0;
	struct cordon_jni_req *r;

	if (!utf)
		return NULL;
	if (n > jh_data_cap(w))
		jh_unsupported(w, -2);
	r = jh_req(w, CORDON_JNI_NEW_STRING_UTF);
	memcpy(jh_data(w), utf, n);
	r->data_len = n;
	return OBJ(jh_send(w));
}

static void GetStringRegion(JNIEnv *env, jstring s, jsize start, jsize len, jchar *buf)
{
	struct jh_worker *w = jh_of(env);
	jsize step = (jsize)(jh_data_cap(w) / 2), done = 0;

	while (done < len) {
		jsize n = len - done < step ? len - done : step;

		string_op(env, CORDON_JNI_GET_STRING_REGION, s, start + done, n);
		if (w->pending)
			return;
		memcpy(buf + done, jh_data(w), (size_t)n * 2);
		done += n;
	}
}

/* chars [start, start+len) as modified UTF-8 into buf (at most cap bytes), NUL-terminated */
static void utf_region(JNIEnv *env, jstring s, jsize start, jsize len, char *buf, size_t cap)
{
	struct jh_worker *w = jh_of(env);
	jsize step = (jsize)((jh_data_cap(w) - 1) / 3), done = 0;
	size_t out = 0;

	while (done < len) {
		jsize n = len - done < step ? len - done : step;
		size_t got;

		string_op(env, CORDON_JNI_GET_STRING_UTF_REGION, s, start + done, n);
		if (w->pending)
			break;
		got = (size_t)((struct cordon_jni_req *)w->arena)->data_len;
		if (got > cap - 1 - out)
			got = cap - 1 - out;
		memcpy(buf + out, jh_data(w), got);
		out += got;
		done += n;
	}
	buf[out] = 0;
}

static void GetStringUTFRegion(JNIEnv *env, jstring s, jsize start, jsize len, char *buf)
{
	utf_region(env, s, start, len, buf, (size_t)len * 3 + 1);
}

static const char *GetStringUTFChars(JNIEnv *env, jstring s, jboolean *is_copy)
{
	jsize bytes = GetStringUTFLength(env, s), len = GetStringLength(env, s);
	char *buf;

	if (jh_of(env)->pending || bytes < 0 || len < 0)
		return NULL;
	buf = malloc((size_t)bytes + 1);
	if (!buf) {
		out_of_memory(env, "Cordon: no memory in the domain for a string copy");
		return NULL;
	}
	utf_region(env, s, 0, len, buf, (size_t)bytes + 1);
	if (is_copy)
		*is_copy = JNI_TRUE;
	return buf;
}

static void ReleaseStringUTFChars(JNIEnv *env, jstring s, const char *p) { (void)env; (void)s; free((void *)p); }

static const jchar *GetStringChars(JNIEnv *env, jstring s, jboolean *is_copy)
{
	jsize len = GetStringLength(env, s);
	jchar *buf;

	if (jh_of(env)->pending || len < 0)
		return NULL;
	buf = malloc((size_t)len * 2 + 2);
	if (!buf) {
		out_of_memory(env, "Cordon: no memory in the domain for a string copy");
		return NULL;
	}
	GetStringRegion(env, s, 0, len, buf);
	buf[len] = 0;
	if (is_copy)
		*is_copy = JNI_TRUE;
	return buf;
}

static void ReleaseStringChars(JNIEnv *env, jstring s, const jchar *p) { (void)env; (void)s; free((void *)p); }

/* --- direct buffers, lent for one call --- */

static struct lent *lent_of(struct jh_worker *w, jobject buf)
{
	int i;

	for (i = 0; i < w->nlent; i++)
		if (w->lent[i].handle == H(buf))
			return &w->lent[i];
	return NULL;
}

static jlong capacity(JNIEnv *env, jobject buf)
{
	struct jh_worker *w = jh_of(env);
	struct cordon_jni_req *r = jh_req(w, CORDON_JNI_BUFFER_CAPACITY);

	r->a[0] = H(buf);
	return jh_send(w);
}

/* the call's offer of that buffer, lent from now on; NULL if there is none */
static struct lent *offered_buffer(struct jh_worker *w, jobject buf)
{
	struct offer *o = jh_offer(w, H(buf), 1);
	struct lent *l;

	if (!o)
		return NULL;
	l = &w->lent[w->nlent++];
	l->handle = H(buf);
	l->capacity = o->count;
	l->copy = o->bytes;
	o->bytes = NULL;
	l->pristine = malloc(l->capacity ? (size_t)l->capacity : 1);
	if (l->pristine)
		memcpy(l->pristine, l->copy, (size_t)l->capacity);
	return l;
}

static void *GetDirectBufferAddress(JNIEnv *env, jobject buf)
{
	struct jh_worker *w = jh_of(env);
	struct lent *l = lent_of(w, buf);
	int64_t cap, off, step = (int64_t)jh_data_cap(w);
	unsigned char *copy;

	if (l)
		return l->copy;
	if (!buf || w->nlent == MAX_LENT)
		return NULL;
	if ((l = offered_buffer(w, buf)))
		return l->copy;
	if ((cap = capacity(env, buf)) < 0)
		return NULL;
	copy = malloc(cap ? (size_t)cap : 1);
	if (!copy)
		return NULL;
	for (off = 0; off < cap; off += step) {
		int64_t n = cap - off < step ? cap - off : step;
		struct cordon_jni_req *r = jh_req(w, CORDON_JNI_GET_BUFFER_REGION);

		r->a[0] = H(buf);
		r->a[1] = off;
		r->a[2] = n;
		jh_send(w);
		memcpy(copy + off, jh_data(w), (size_t)n);
	}
	l = &w->lent[w->nlent++];
	l->handle = H(buf);
	l->copy = copy;
	l->capacity = cap;
	l->pristine = malloc(cap ? (size_t)cap : 1);
	if (l->pristine)
		memcpy(l->pristine, copy, (size_t)cap);
	return copy;
}

static jlong GetDirectBufferCapacity(JNIEnv *env, jobject buf)
{
	struct jh_worker *w = jh_of(env);
	struct lent *l = lent_of(w, buf);
	struct offer *o = l ? NULL : jh_offer(w, H(buf), 1);

	return l ? l->capacity : o ? o->count : capacity(env, buf);
}

#define FILL_ARRAYS(T) \
	t->New##T##Array = New##T##Array; t->Get##T##ArrayElements = Get##T##ArrayElements; \
	t->Release##T##ArrayElements = Release##T##ArrayElements; \
	t->Get##T##ArrayRegion = Get##T##ArrayRegion; t->Set##T##ArrayRegion = Set##T##ArrayRegion;

void jh_fill_arrays(struct JNINativeInterface_ *t)
{
	t->GetArrayLength = GetArrayLength;
	FILL_ARRAYS(Boolean) FILL_ARRAYS(Byte) FILL_ARRAYS(Char) FILL_ARRAYS(Short)
	FILL_ARRAYS(Int) FILL_ARRAYS(Long) FILL_ARRAYS(Float) FILL_ARRAYS(Double)
	t->GetPrimitiveArrayCritical = GetPrimitiveArrayCritical;
	t->ReleasePrimitiveArrayCritical = ReleasePrimitiveArrayCritical;
	t->NewObjectArray = NewObjectArray;
	t->GetObjectArrayElement = GetObjectArrayElement;
	t->SetObjectArrayElement = SetObjectArrayElement;
	t->NewString = NewString;
	t->NewStringUTF = NewStringUTF;
	t->GetStringLength = GetStringLength;
	t->GetStringUTFLength = GetStringUTFLength;
	t->GetStringRegion = GetStringRegion;
	t->GetStringUTFRegion = GetStringUTFRegion;
	t->GetStringChars = GetStringChars;
	t->ReleaseStringChars = ReleaseStringChars;
	t->GetStringUTFChars = GetStringUTFChars;
	t->ReleaseStringUTFChars = ReleaseStringUTFChars;
	t->GetStringCritical = GetStringChars;
	t->ReleaseStringCritical = ReleaseStringChars;
	t->GetDirectBufferAddress = GetDirectBufferAddress;
	t->GetDirectBufferCapacity = GetDirectBufferCapacity;
}
