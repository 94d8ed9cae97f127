/*
 * The shim's own natives (dev.cordon.isolation.internal.jni.JniShim) and
 * the Java classes and methods it uses, resolved once when it is loaded.
 */
#include <stdlib.h>
#include <string.h>

#include "jni/shim.h"

#define JNIDOMAIN "dev/cordon/isolation/internal/jni/JniDomain"

struct shim_refs shim;

static jclass global_class(JNIEnv *env, const char *name)
{
	jclass local = (*env)->FindClass(env, name);
	jclass global = local ? (*env)->NewGlobalRef(env, local) : NULL;

	if (local)
		(*env)->DeleteLocalRef(env, local);
	return global;
}

static int resolve(JNIEnv *env)
{
	static const char *arrays[8] = { "[Z", "[B", "[C", "[S", "[I", "[J", "[F", "[D" };
	jclass c;
	int i;

	if (!(c = shim.domain_class = global_class(env, JNIDOMAIN)))
		return -1;
	shim.acquire = (*env)->GetMethodID(env, c, "acquire", "()J");
	shim.release = (*env)->GetMethodID(env, c, "release", "(J)V");
	shim.failed = (*env)->GetMethodID(env, c, "failed", "(J)Ljava/lang/Throwable;");
	shim.violated = (*env)->GetMethodID(env, c, "violated", "(JLjava/lang/String;)Ljava/lang/Throwable;");
	shim.timed_out = (*env)->GetMethodID(env, c, "timedOut", "(J)Ljava/lang/Throwable;");
	shim.find_class = (*env)->GetMethodID(env, c, "findClass", "(Ljava/lang/String;)Ljava/lang/Class;");
	shim.parameter_types = (*env)->GetMethodID(env, c, "parameterTypes",
						   "(Ljava/lang/Object;)[Ljava/lang/Class;");
	shim.field_type = (*env)->GetMethodID(env, c, "fieldType", "(Ljava/lang/Object;)Ljava/lang/Class;");
	shim.register_native = (*env)->GetMethodID(env, c, "registerNative",
						   "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/String;)I");
	shim.check_allocatable = (*env)->GetMethodID(env, c, "checkAllocatable", "(Ljava/lang/Class;)V");
	shim.settable = (*env)->GetMethodID(env, c, "settable", "(Ljava/lang/Object;)Z");
	shim.class_class = global_class(env, "java/lang/Class");
	shim.string_class = global_class(env, "java/lang/String");
	shim.throwable_class = global_class(env, "java/lang/Throwable");
	shim.object_array_class = global_class(env, "[Ljava/lang/Object;");
	shim.byte_buffer_class = global_class(env, "java/nio/ByteBuffer");
	for (i = 0; i < 8; i++)
		if (!(shim.prim_arrays[i] = global_class(env, arrays[i])))
			return -1;
	shim.is_array = shim.class_class ? (*env)->GetMethodID(env, shim.class_class, "isArray", "()Z") : NULL;
	shim.is_primitive = shim.class_class ?
		(*env)->GetMethodID(env, shim.class_class, "isPrimitive", "()Z") : NULL;
	return shim.acquire && shim.release && shim.failed && shim.violated && shim.timed_out &&
	       shim.find_class && shim.parameter_types && shim.field_type && shim.register_native &&
	       shim.check_allocatable && shim.settable && shim.class_class &&
	       shim.string_class && shim.throwable_class && shim.object_array_class &&
	       shim.byte_buffer_class && shim.is_array && shim.is_primitive ? 0 : -1;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;

	(void)reserved;
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK || resolve(env))
		return JNI_ERR;
	return JNI_VERSION_1_8;
}

JNIEXPORT jlong JNICALL Java_dev_cordon_isolation_internal_jni_JniShim_newDomain(
	JNIEnv *env, jclass cls, jobject java, jlong deadline_ns)
{
	struct domain *d = calloc(1, sizeof(*d));

	(void)cls;
	if (!d || !(d->globals = calloc(SHIM_MAX_GLOBALS, sizeof(*d->globals)))) {
		free(d);
		return 0;
	}
	d->java = (*env)->NewGlobalRef(env, java);
	d->deadline_ns = deadline_ns;
	pthread_mutex_init(&d->lock, NULL);
	return (jlong)(uintptr_t)d;
}

JNIEXPORT void JNICALL Java_dev_cordon_isolation_internal_jni_JniShim_newIncarnation(
	JNIEnv *env, jclass cls, jlong domain, jlong arena_bytes)
{
	struct domain *d = (struct domain *)(uintptr_t)domain;

	(void)cls;
	domain_clear_globals(env, d);
	d->arena_size = (uint64_t)arena_bytes;
}

JNIEXPORT jint JNICALL Java_dev_cordon_isolation_internal_jni_JniShim_bind(
	JNIEnv *env, jclass cls, jlong domain, jclass target, jstring name, jstring descriptor,
	jclass returns, jint index)
{
	(void)cls;
	return (jint)shim_bind(env, (struct domain *)(uintptr_t)domain, target, name, descriptor,
			       returns, index);
}

JNIEXPORT jint JNICALL Java_dev_cordon_isolation_internal_jni_JniShim_onLoad(
	JNIEnv *env, jclass cls, jlong domain)
{
	(void)cls;
	return shim_onload(env, (struct domain *)(uintptr_t)domain);
}

JNIEXPORT jint JNICALL Java_dev_cordon_isolation_internal_jni_JniShim_hostBind(
	JNIEnv *env, jclass cls, jlong domain, jint index, jstring symbol, jstring descriptor)
{
	(void)cls;
	return shim_host_bind(env, (struct domain *)(uintptr_t)domain, index, symbol, descriptor);
}
