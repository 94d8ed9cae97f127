/* A JNI kind letter (jni/kinds.h) as libffi's type: the one mapping both
 * sides build their call interfaces from (the shim's closures, the JNI
 * host's calls of Java_* functions). */
#ifndef CORDON_JNI_FFI_KINDS_H
#define CORDON_JNI_FFI_KINDS_H

#include <ffi.h>

ffi_type *cordon_jni_ffi_type(char kind);

#endif
