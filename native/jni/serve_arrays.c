/*
 * Arrays, strings and direct buffers. The domain never sees JVM memory: it
 * asks for regions, which are copied into the request's data area (and
 * back), at most the data area at a time; the domain's JNIEnv builds
 * Get*ArrayElements, GetStringUTFChars and the lent buffers out of these.
 */
#include <string.h>

#include "jni/shim.h"

static const char LETTERS[] = "ZBCSIJFD";

/* the array class of a primitive letter; NULL (violation) if it is none */
static jclass array_class(struct frame *f, int64_t letter)
{
	const char *p = letter > 0 && letter < 128 ? strchr(LETTERS, (int)letter) : NULL;

	if (!p || !*p) {
		frame_violation(f, "no primitive type '%c'", letter > 31 && letter < 127 ? (int)letter : '?');
		return NULL;
	}
	return shim.prim_arrays[p - LETTERS];
}

/* start and len within what one request carries; the JVM checks the array's bounds */
static int region_fits(struct frame *f, int64_t start, int64_t len, int size, uint64_t cap)
{
	if (start < 0 || len < 0 || start > INT32_MAX || len > INT32_MAX || (uint64_t)len * size > cap) {
		frame_violation(f, "an array region of %lld elements at %lld", (long long)len, (long long)start);
		return -1;
	}
	return 0;
}

#define REGION(T, t) \
	(get ? (*env)->Get##T##ArrayRegion(env, (t##Array)a, start, len, (t *)data) \
	     : (*env)->Set##T##ArrayRegion(env, (t##Array)a, start, len, (const t *)data))

/* Get or Set<T>ArrayRegion by letter; the JVM checks the array's bounds */
void array_region(JNIEnv *env, jobject a, char letter, jsize start, jsize len, unsigned char *data, int get)
{
	switch (letter) {
	case 'Z': REGION(Boolean, jboolean); break;
	case 'B': REGION(Byte, jbyte); break;
	case 'C': REGION(Char, jchar); break;
	case 'S': REGION(Short, jshort); break;
	case 'I': REGION(Int, jint); break;
	case 'J': REGION(Long, jlong); break;
	case 'F': REGION(Float, jfloat); break;
	case 'D': REGION(Double, jdouble); break;
	}
}

static int region(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	int get = req->op == CORDON_JNI_GET_ARRAY_REGION;
	jclass cls = array_class(f, req->a[1]);
	jobject a = cls ? object_of(f, req->a[0], cls, "an array of that type") : NULL;
	int64_t start = req->a[2], len = req->a[3];
	int size = cordon_jni_kind_size((char)req->a[1]);

	if (!a || region_fits(f, start, len, size, cap))
		return -1;
	if (!get && req->data_len != (uint64_t)len * size) {
		frame_violation(f, "an array region whose data is not its length");
		return -1;
	}
	array_region(f->env, a, (char)req->a[1], (jsize)start, (jsize)len, data, get);
	req->data_len = get ? (uint64_t)len * size : 0;
	req->a[0] = 0;
	return 0;
}

/* GET_ARRAY_LENGTH: the length, the element letter, and with a1 set the
 * first elements that fit (Get*ArrayElements saves a round trip) */
static int length(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	jobject a = object_of(f, req->a[0], NULL, "an array");
	int with_data = req->a[1] != 0;
	jclass cls;
	jsize n;
	int i, size, array;

	req->data_len = 0;
	req->a[2] = 0;
	if (!a)
		return -1;
	cls = (*env)->GetObjectClass(env, a);
	array = (*env)->CallBooleanMethod(env, cls, shim.is_array);
	(*env)->DeleteLocalRef(env, cls);
	if (!array)
		return frame_violation(f, "GetArrayLength of an object that is no array"), -1;
	req->a[0] = (*env)->GetArrayLength(env, a);
	req->a[1] = 0; /* the element letter, 0 for references */
	for (i = 0; i < 8; i++)
		if ((*env)->IsInstanceOf(env, a, shim.prim_arrays[i]))
			req->a[1] = LETTERS[i];
	if (!with_data || !req->a[1])
		return 0;
	size = cordon_jni_kind_size((char)req->a[1]);
	n = (jsize)(req->a[0] < (int64_t)(cap / size) ? req->a[0] : (int64_t)(cap / size));
	array_region(env, a, (char)req->a[1], 0, n, data, 1);
	req->a[2] = n;
	req->data_len = (uint64_t)n * size;
	return 0;
}

static int new_array(struct frame *f, struct cordon_jni_req *req)
{
	JNIEnv *env = f->env;
	jsize n = (jsize)req->a[1];
	jobject a = NULL;

	if (!array_class(f, req->a[0]))
		return -1;
	if (req->a[1] < 0 || req->a[1] > INT32_MAX) {
		frame_violation(f, "an array of %lld elements", (long long)req->a[1]);
		return -1;
	}
	switch ((char)req->a[0]) {
	case 'Z': a = (*env)->NewBooleanArray(env, n); break;
	case 'B': a = (*env)->NewByteArray(env, n); break;
	case 'C': a = (*env)->NewCharArray(env, n); break;
	case 'S': a = (*env)->NewShortArray(env, n); break;
	case 'I': a = (*env)->NewIntArray(env, n); break;
	case 'J': a = (*env)->NewLongArray(env, n); break;
	case 'F': a = (*env)->NewFloatArray(env, n); break;
	case 'D': a = (*env)->NewDoubleArray(env, n); break;
	}
	req->a[0] = frame_add_local(f, a);
	return 0;
}

static int object_arrays(struct frame *f, struct cordon_jni_req *req)
{
	JNIEnv *env = f->env;
	jobject a, init;
	jclass cls;

	switch (req->op) {
	case CORDON_JNI_NEW_OBJECT_ARRAY:
		cls = class_of(f, req->a[1]);
		init = frame_object(f, req->a[2]);
		if (!cls || f->violation || req->a[0] < 0 || req->a[0] > INT32_MAX)
			return frame_violation(f, "a bad NewObjectArray"), -1;
		/* int.class and its kin have no array class of objects: HotSpot
		 * would dereference nothing */
		if ((*env)->CallBooleanMethod(env, cls, shim.is_primitive))
			return frame_violation(f, "NewObjectArray of a primitive type"), -1;
		if (init && !(*env)->IsInstanceOf(env, init, cls))
			return frame_violation(f, "NewObjectArray's initial element is not of its class"), -1;
		req->a[0] = frame_add_local(f, (*env)->NewObjectArray(env, (jsize)req->a[0], cls, init));
		return 0;
	case CORDON_JNI_GET_OBJECT_ARRAY_ELEMENT:
		a = object_of(f, req->a[0], shim.object_array_class, "an array of objects");
		if (!a)
			return -1;
		req->a[0] = frame_add_local(f, (*env)->GetObjectArrayElement(env, a, (jsize)req->a[1]));
		return 0;
	case CORDON_JNI_SET_OBJECT_ARRAY_ELEMENT:
		/* HotSpot checks the index and the store (ArrayStoreException) */
		a = object_of(f, req->a[0], shim.object_array_class, "an array of objects");
		init = frame_object(f, req->a[2]);
		if (!a || f->violation)
			return -1;
		(*env)->SetObjectArrayElement(env, a, (jsize)req->a[1], init);
		return 0;
	}
	return 1;
}

static int strings(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	JNIEnv *env = f->env;
	const char *utf;
	jobject s;

	switch (req->op) {
	case CORDON_JNI_NEW_STRING:
		if (req->data_len > cap || req->data_len % 2)
			return frame_violation(f, "NewString with a bad length"), -1;
		req->a[0] = frame_add_local(f, (*env)->NewString(env, (const jchar *)data,
								   (jsize)(req->data_len / 2)));
		return 0;
	case CORDON_JNI_NEW_STRING_UTF:
		utf = data_string(f, data, req->data_len, cap);
		if (!utf)
			return -1;
		req->a[0] = frame_add_local(f, (*env)->NewStringUTF(env, utf));
		return 0;
	}
	s = object_of(f, req->a[0], shim.string_class, "a String");
	if (!s)
		return -1;
	switch (req->op) {
	case CORDON_JNI_GET_STRING_LENGTH:
		req->a[0] = (*env)->GetStringLength(env, s);
		return 0;
	case CORDON_JNI_GET_STRING_UTF_LENGTH:
		req->a[0] = (*env)->GetStringUTFLength(env, s);
		return 0;
	case CORDON_JNI_GET_STRING_REGION:
		if (region_fits(f, req->a[1], req->a[2], 2, cap))
			return -1;
		(*env)->GetStringRegion(env, s, (jsize)req->a[1], (jsize)req->a[2], (jchar *)data);
		req->data_len = (uint64_t)req->a[2] * 2;
		return 0;
	case CORDON_JNI_GET_STRING_UTF_REGION:
		/* up to three bytes a char, and HotSpot's NUL */
		if (region_fits(f, req->a[1], req->a[2], 3, cap - 1))
			return -1;
		memset(data, 0, (size_t)req->a[2] * 3 + 1);
		(*env)->GetStringUTFRegion(env, s, (jsize)req->a[1], (jsize)req->a[2], (char *)data);
		req->data_len = strnlen((const char *)data, (size_t)req->a[2] * 3 + 1);
		return 0;
	}
	return 1;
}

/* A direct ByteBuffer's memory, within its capacity; NULL if it has none. */
static unsigned char *buffer(struct frame *f, int64_t handle, jlong *capacity)
{
	JNIEnv *env = f->env;
	jobject b = frame_object(f, handle);

	if (!b || !(*env)->IsInstanceOf(env, b, shim.byte_buffer_class))
		return NULL;
	*capacity = (*env)->GetDirectBufferCapacity(env, b);
	return *capacity < 0 ? NULL : (*env)->GetDirectBufferAddress(env, b);
}

static int buffers(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	jlong capacity = -1;
	unsigned char *mem = buffer(f, req->a[0], &capacity);
	int64_t off = req->a[1], len = req->a[2];

	if (f->violation)
		return -1;
	if (req->op == CORDON_JNI_BUFFER_CAPACITY) {
		req->a[0] = mem ? capacity : -1;
		return 0;
	}
	if (!mem || off < 0 || len < 0 || off > capacity || len > capacity - off || (uint64_t)len > cap ||
	    (req->op == CORDON_JNI_SET_BUFFER_REGION && req->data_len != (uint64_t)len)) {
		frame_violation(f, "a buffer region of %lld bytes at %lld, capacity %lld",
				(long long)len, (long long)off, (long long)capacity);
		return -1;
	}
	if (req->op == CORDON_JNI_GET_BUFFER_REGION) {
		memcpy(data, mem + off, (size_t)len);
		req->data_len = (uint64_t)len;
	} else {
		memcpy(mem + off, data, (size_t)len);
	}
	req->a[0] = 0;
	return 0;
}

int serve_arrays(struct frame *f, struct cordon_jni_req *req, unsigned char *data, uint64_t cap)
{
	int rc;

	switch (req->op) {
	case CORDON_JNI_GET_ARRAY_LENGTH:
		return length(f, req, data, cap);
	case CORDON_JNI_GET_ARRAY_REGION:
	case CORDON_JNI_SET_ARRAY_REGION:
		return region(f, req, data, cap);
	case CORDON_JNI_NEW_ARRAY:
		return new_array(f, req);
	case CORDON_JNI_BUFFER_CAPACITY:
	case CORDON_JNI_GET_BUFFER_REGION:
	case CORDON_JNI_SET_BUFFER_REGION:
		return buffers(f, req, data, cap);
	}
	if ((rc = object_arrays(f, req)) != 1)
		return rc;
	return strings(f, req, data, cap);
}
