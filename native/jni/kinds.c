/* JNI descriptors as kinds: see kinds.h. */
#include <string.h>

#include "jni/kinds.h"

/* Skips one field type at *p; its kind letter, or 0 if malformed. */
static char one_type(const char **p)
{
	const char *s = *p;
	char c = *s;

	if (strchr("ZBCSIJFD", c) && c) {
		*p = s + 1;
		return c;
	}
	if (c == 'L') {
		const char *end = strchr(s, ';');

		if (!end || end == s + 1)
			return 0;
		*p = end + 1;
		return 'L';
	}
	if (c == '[') {
		int dims = 0;

		while (*s == '[' && dims++ < 255)
			s++;
		*p = s;
		return one_type(p) ? 'L' : 0;
	}
	return 0;
}

int cordon_jni_kinds(const char *descriptor, char *out, size_t cap)
{
	const char *p = descriptor;
	size_t n = 0;
	char k;

	if (*p++ != '(')
		return -1;
	while (*p && *p != ')') {
		k = one_type(&p);
		if (!k || n + 3 >= cap)
			return -1;
		out[n++] = k;
	}
	if (*p++ != ')')
		return -1;
	out[n] = ')';
	if (*p == 'V' && p[1] == 0) {
		out[n + 1] = 'V';
	} else {
		k = one_type(&p);
		if (!k || *p)
			return -1;
		out[n + 1] = k;
	}
	out[n + 2] = 0;
	return (int)n;
}

char cordon_jni_field_letter(const char *descriptor)
{
	const char *p = descriptor;
	char k = one_type(&p);

	return k && !*p ? k : 0;
}

int cordon_jni_kinds_valid(const char *kinds)
{
	const char *close = strchr(kinds, ')');
	size_t i;

	if (!close || strlen(close) != 2 || !strchr("ZBCSIJFDLV", close[1]))
		return 0;
	for (i = 0; kinds + i < close; i++)
		if (!strchr("ZBCSIJFDL", kinds[i]))
			return 0;
	return 1;
}

int cordon_jni_mutf8_valid(const unsigned char *s, unsigned long long len)
{
	unsigned long long i = 0;

	while (i < len) {
		unsigned char c = s[i];

		if (c >= 0x01 && c < 0x80) {
			i++;
		} else if ((c & 0xe0) == 0xc0) {
			if (i + 1 >= len || (s[i + 1] & 0xc0) != 0x80)
				return 0;
			i += 2;
		} else if ((c & 0xf0) == 0xe0) {
			if (i + 2 >= len || (s[i + 1] & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80)
				return 0;
			i += 3;
		} else {
			return 0;
		}
	}
	return 1;
}
