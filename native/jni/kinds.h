/*
 * JNI descriptors as kinds (cordon/jni_channel.h): "(I[BLjava/lang/String;)J"
 * -> "ILL)J". One parser, linked into both the shim and cordon-jni-host;
 * and the check of the strings a domain hands the JVM.
 */
#ifndef CORDON_JNI_KINDS_H
#define CORDON_JNI_KINDS_H

#include <stddef.h>

/* The kinds of a method descriptor into out (cap bytes, NUL-terminated):
 * the number of parameters, or -1 if it is malformed or too long. */
int cordon_jni_kinds(const char *descriptor, char *out, size_t cap);

/* The letter of a field descriptor ("I", "[B", "Lx;" -> 'L'), 0 if malformed. */
char cordon_jni_field_letter(const char *descriptor);

/* Are the kinds well formed (letters, one ')', one return letter)? */
int cordon_jni_kinds_valid(const char *kinds);

/* Modified UTF-8 as HotSpot reads it: no NUL byte, only 1- to 3-byte
 * sequences, each continuation byte 10xxxxxx. */
int cordon_jni_mutf8_valid(const unsigned char *s, unsigned long long len);

#endif
