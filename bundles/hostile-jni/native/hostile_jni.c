/*
 * A small, ordinary JNI library (gcc, glibc, the JDK's jni.h) whose methods
 * misbehave on purpose: the Cordon JNI path must contain each one (a Java
 * exception or the domain ended, the JVM alive, the next call answered).
 * Also one honest method of every argument kind, more than six of them.
 */
#include <jni.h>
#include <stdint.h>
#include <string.h>

JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_echo(JNIEnv *env, jclass c, jint x)
{
	(void)env; (void)c;
	return x + 1;
}

/* one JNI call back to the JVM: what a callback from a domain costs */
JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_arrayLength(JNIEnv *env, jclass c, jintArray a)
{
	(void)c;
	return (*env)->GetArrayLength(env, a);
}

/* one JNI call back that runs no Java code: the cost of a callback alone */
JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_jniVersion(JNIEnv *env, jclass c)
{
	(void)c;
	return (*env)->GetVersion(env);
}

/* every element set to v, then released with `mode` (0, JNI_COMMIT, JNI_ABORT) */
JNIEXPORT void JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_fill(JNIEnv *env, jclass c, jbyteArray a,
	jbyte v, jint mode)
{
	jsize n = (*env)->GetArrayLength(env, a);
	jbyte *e = (*env)->GetByteArrayElements(env, a, NULL);

	(void)c;
	if (!e)
		return;
	memset(e, v, (size_t)n);
	(*env)->ReleaseByteArrayElements(env, a, e, mode);
	if (mode == JNI_COMMIT) /* a committed copy is still the library's to free */
		(*env)->ReleaseByteArrayElements(env, a, e, JNI_ABORT);
}

/* a[0] += 100 through one copy, released; then a[0] as the second argument sees it */
JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_addThenRead(JNIEnv *env, jclass c,
	jintArray a, jintArray same)
{
	jint *e = (*env)->GetIntArrayElements(env, a, NULL), got;

	(void)c;
	e[0] += 100;
	(*env)->ReleaseIntArrayElements(env, a, e, 0);
	e = (*env)->GetIntArrayElements(env, same, NULL);
	got = e[0];
	(*env)->ReleaseIntArrayElements(env, same, e, JNI_ABORT);
	return got;
}

/* the other way round: same[0] += 100, released; then a[0] */
JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_addThenReadOther(JNIEnv *env, jclass c,
	jintArray a, jintArray same)
{
	return Java_dev_cordon_bundles_hostilejni_HostileJni_addThenRead(env, c, same, a);
}

/* bytes [from, to) of a direct buffer set to v; its capacity */
JNIEXPORT jlong JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_fillBuffer(JNIEnv *env, jclass c, jobject b,
	jint from, jint to, jbyte v)
{
	unsigned char *p = (*env)->GetDirectBufferAddress(env, b);
	jlong cap = (*env)->GetDirectBufferCapacity(env, b);

	(void)c;
	if (p && from >= 0 && to <= cap && from <= to)
		memset(p + from, v, (size_t)(to - from));
	return cap;
}

/* every primitive kind, an array and a string: 10 arguments */
JNIEXPORT jdouble JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_mix(JNIEnv *env, jclass c,
	jbyte b, jshort s, jchar ch, jint i, jlong j, jfloat f, jdouble d, jboolean z, jintArray arr, jstring str)
{
	jint *e;
	jsize n, k;
	const char *u;
	double sum = b + s + ch + i + (double)j + f + d + (z ? 1000 : 0);

	(void)c;
	n = (*env)->GetArrayLength(env, arr);
	e = (*env)->GetIntArrayElements(env, arr, NULL);
	for (k = 0; k < n; k++) {
		sum += e[k];
		e[k] *= 2; /* written back: mode 0 */
	}
	(*env)->ReleaseIntArrayElements(env, arr, e, 0);
	u = (*env)->GetStringUTFChars(env, str, NULL);
	sum += (double)strlen(u);
	(*env)->ReleaseStringUTFChars(env, str, u);
	return sum;
}

/* o.toString() + "!", through the JVM: a call back and a new string */
JNIEXPORT jstring JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_shout(JNIEnv *env, jclass c, jobject o)
{
	jclass object = (*env)->FindClass(env, "java/lang/Object");
	jmethodID to_string = (*env)->GetMethodID(env, object, "toString", "()Ljava/lang/String;");
	jstring s = (*env)->CallObjectMethod(env, o, to_string);
	const char *u = (*env)->GetStringUTFChars(env, s, NULL);
	char buf[256];

	(void)c;
	strncpy(buf, u, sizeof(buf) - 2);
	buf[sizeof(buf) - 2] = 0;
	strcat(buf, "!");
	(*env)->ReleaseStringUTFChars(env, s, u);
	return (*env)->NewStringUTF(env, buf);
}

/* throws the way libraries do */
JNIEXPORT void JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_refuse(JNIEnv *env, jclass c, jstring why)
{
	const char *u = (*env)->GetStringUTFChars(env, why, NULL);

	(void)c;
	(*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/IllegalArgumentException"), u);
	(*env)->ReleaseStringUTFChars(env, why, u);
}

/* a handle nobody gave it */
JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_forgedHandle(JNIEnv *env, jclass c)
{
	(void)c;
	return (*env)->GetArrayLength(env, (jarray)(uintptr_t)0x7f0012345678ull);
}

/* a real handle of the wrong kind: a method id where an array goes */
JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_wrongKind(JNIEnv *env, jclass c)
{
	jmethodID m = (*env)->GetStaticMethodID(env, c, "echo", "(I)I");

	return (*env)->GetArrayLength(env, (jarray)m);
}

/* the right kind, the wrong class: a String where an int[] goes */
JNIEXPORT jint JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_wrongType(JNIEnv *env, jclass c, jstring s)
{
	jint one = 1;

	(void)c;
	(*env)->SetIntArrayRegion(env, (jintArray)s, 0, 1, &one);
	return 0;
}

/* int.class, a public field away, as the element class of an object array */
JNIEXPORT jobject JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_primitiveObjectArray(JNIEnv *env, jclass c)
{
	jclass integer = (*env)->FindClass(env, "java/lang/Integer");
	jfieldID type = (*env)->GetStaticFieldID(env, integer, "TYPE", "Ljava/lang/Class;");
	jclass int_class = (jclass)(*env)->GetStaticObjectField(env, integer, type);

	(void)c;
	return (*env)->NewObjectArray(env, 1, int_class, NULL);
}

/* Boolean.TRUE = Boolean.FALSE: public, and final */
JNIEXPORT void JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_falsifyTrue(JNIEnv *env, jclass c)
{
	jclass b = (*env)->FindClass(env, "java/lang/Boolean");
	jfieldID t = (*env)->GetStaticFieldID(env, b, "TRUE", "Ljava/lang/Boolean;");
	jfieldID f = (*env)->GetStaticFieldID(env, b, "FALSE", "Ljava/lang/Boolean;");

	(void)c;
	(*env)->SetStaticObjectField(env, b, t, (*env)->GetStaticObjectField(env, b, f));
}

JNIEXPORT void JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_fatal(JNIEnv *env, jclass c)
{
	(void)c;
	(*env)->FatalError(env, "hostile: giving up");
}

JNIEXPORT void JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_segv(JNIEnv *env, jclass c)
{
	(void)env; (void)c;
	static volatile uintptr_t where = 16; /* not a constant gcc could see through */
	volatile int *nowhere = (volatile int *)where;

	*nowhere = 1;
}

/* what JNI alone would allow: the JDK's internal Unsafe, a String's bytes */
JNIEXPORT jobject JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_internalUnsafe(JNIEnv *env, jclass c)
{
	jclass u = (*env)->FindClass(env, "jdk/internal/misc/Unsafe");
	jmethodID get;

	(void)c;
	if (!u)
		return NULL;
	get = (*env)->GetStaticMethodID(env, u, "getUnsafe", "()Ljdk/internal/misc/Unsafe;");
	return get ? (*env)->CallStaticObjectMethod(env, u, get) : NULL;
}

JNIEXPORT jobject JNICALL Java_dev_cordon_bundles_hostilejni_HostileJni_stringBytes(JNIEnv *env, jclass c, jstring s)
{
	jfieldID value = (*env)->GetFieldID(env, (*env)->GetObjectClass(env, s), "value", "[B");

	(void)c;
	return value ? (*env)->GetObjectField(env, s, value) : NULL;
}

/* registered by JNI_OnLoad, not found by its name */
static jint twice(JNIEnv *env, jclass c, jint x)
{
	(void)env; (void)c;
	return 2 * x;
}

/* what a hostile library would like: a JDK native of its own */
static jint not_yours(JNIEnv *env, jobject o)
{
	(void)env; (void)o;
	return 0;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNINativeMethod mine = { "twice", "(I)I", (void *)twice };
	JNINativeMethod jdk = { "hashCode", "()I", (void *)not_yours };
	JNIEnv *env;
	jclass c;

	(void)reserved;
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	c = (*env)->FindClass(env, "dev/cordon/bundles/hostilejni/HostileJni");
	if (!c || (*env)->RegisterNatives(env, c, &mine, 1) != JNI_OK)
		return JNI_ERR;
	/* refused: Object is not the bundle's class (NoSuchMethodError, cleared) */
	c = (*env)->FindClass(env, "java/lang/Object");
	if ((*env)->RegisterNatives(env, c, &jdk, 1) == JNI_OK)
		return JNI_ERR;
	(*env)->ExceptionClear(env);
	return JNI_VERSION_1_8;
}
