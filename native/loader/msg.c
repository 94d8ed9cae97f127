#include "msg.h"

/* Longest image-provided name we copy into a message. */
#define MSG_NAME_MAX 64

void msg_init(struct msg *m, char *buf, size_t cap)
{
	m->buf = cap ? buf : NULL;
	m->cap = cap;
	m->len = 0;
	if (m->buf)
		m->buf[0] = 0;
}

/* Keep one byte for the terminating NUL; silently truncate. */
static void put(struct msg *m, char c)
{
	if (!m->buf || m->len + 1 >= m->cap)
		return;
	m->buf[m->len++] = c;
	m->buf[m->len] = 0;
}

void msg_str(struct msg *m, const char *s)
{
	while (*s)
		put(m, *s++);
}

void msg_dec(struct msg *m, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put(m, tmp[--n]);
}

void msg_hex(struct msg *m, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	} while (v);
	put(m, '0');
	put(m, 'x');
	while (n)
		put(m, tmp[--n]);
}

void msg_name(struct msg *m, const char *s, size_t max)
{
	size_t i;

	if (!s) {
		msg_str(m, "<unreadable name>");
		return;
	}
	for (i = 0; i < max && s[i]; i++) {
		if (i == MSG_NAME_MAX) {
			msg_str(m, "...");
			return;
		}
		/* keep the message one printable line whatever the image holds */
		put(m, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
	}
	if (i == 0)
		msg_str(m, "<empty name>");
}
