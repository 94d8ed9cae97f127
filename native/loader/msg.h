/*
 * A bounded one-line message builder for the loader's error text.
 * No printf: the loader links against nothing but mmap/memcpy/memset.
 */
#ifndef CORDON_LOADER_MSG_H
#define CORDON_LOADER_MSG_H

#include <stddef.h>
#include <stdint.h>

struct msg {
	char *buf;   /* may be NULL: then everything is dropped */
	size_t cap;
	size_t len;
};

void msg_init(struct msg *m, char *buf, size_t cap);
void msg_str(struct msg *m, const char *s);
void msg_dec(struct msg *m, uint64_t v);
void msg_hex(struct msg *m, uint64_t v);
/* A string taken from the image: at most `max` bytes are looked at, and
 * anything that is not printable ASCII is shown as '?'. */
void msg_name(struct msg *m, const char *s, size_t max);

#endif
