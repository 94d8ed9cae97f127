/*
 * What goes back to the JVM: the changed pieces (a data area each) of the
 * arrays the library released and of the direct buffers it was lent. An
 * array released with mode 0 is kept until the library's next request
 * (flushed first, so the JVM never sees a request out of order with it) or
 * the call's end; at the end, the pieces that fit go with DONE as
 * write-back records (cordon/jni_channel.h), the rest, first, as requests.
 */
#include <stdlib.h>
#include <string.h>

#include "jnihost/jnihost.h"

/* one SET_ARRAY_REGION or SET_BUFFER_REGION to make */
struct piece {
	uint32_t op;
	int64_t a[4];
	const unsigned char *data;
	uint64_t bytes;
};

struct pieces {
	struct piece *p;
	size_t n, cap;
};

size_t jh_elem_size(char letter)
{
	return cordon_jni_kind_size(letter) ? (size_t)cordon_jni_kind_size(letter) : 1;
}

static void add(struct pieces *ps, struct piece p)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		struct piece *grown = realloc(ps->p, cap * sizeof(*grown));

		if (!grown)
			abort(); /* the domain ends; the JVM sees it die */
		ps->p = grown;
		ps->cap = cap;
	}
	ps->p[ps->n++] = p;
}

/* the pieces of `len` units at `now` that differ from `was` (NULL: all), step units each */
static void changed(struct pieces *ps, struct piece proto, const unsigned char *now, const unsigned char *was,
		    int64_t len, size_t size, int64_t step, int start_arg)
{
	int64_t at;

	for (at = 0; at < len; at += step) {
		int64_t n = len - at < step ? len - at : step;
		struct piece p = proto;

		if (was && !memcmp(now + at * size, was + at * size, (size_t)n * size))
			continue;
		p.a[start_arg] = at;
		p.a[start_arg + 1] = n;
		p.data = now + at * size;
		p.bytes = (uint64_t)n * size;
		add(ps, p);
	}
}

static void array_pieces(struct jh_worker *w, struct pieces *ps, int64_t array, struct elems *e)
{
	size_t size = jh_elem_size(e->letter);
	struct piece proto = { CORDON_JNI_SET_ARRAY_REGION, { array, e->letter, 0, 0 }, NULL, 0 };

	changed(ps, proto, (unsigned char *)(e + 1), e->pristine, e->len, size,
		(int64_t)(jh_data_cap(w) / size), 2);
}

static void buffer_pieces(struct jh_worker *w, struct pieces *ps, struct lent *l)
{
	struct piece proto = { CORDON_JNI_SET_BUFFER_REGION, { l->handle, 0, 0, 0 }, NULL, 0 };

	changed(ps, proto, l->copy, l->pristine, l->capacity, 1, (int64_t)jh_data_cap(w), 1);
}

static void send(struct jh_worker *w, const struct piece *p)
{
	struct cordon_jni_req *r = jh_req(w, p->op);

	memcpy(r->a, p->a, sizeof(p->a));
	memcpy(jh_data(w), p->data, (size_t)p->bytes);
	r->data_len = p->bytes;
	jh_send(w);
}

static void send_all(struct jh_worker *w, struct pieces *ps, size_t upto)
{
	size_t i;

	w->flushing = 1;
	for (i = 0; i < upto; i++)
		send(w, &ps->p[i]);
	w->flushing = 0;
}

/* Now, by requests; the caller has flushed the releases before it. */
void jh_write_back(struct jh_worker *w, int64_t array, struct elems *e)
{
	struct pieces ps = { 0 };

	array_pieces(w, &ps, array, e);
	send_all(w, &ps, ps.n);
	free(ps.p);
	if (e->pristine)
		memcpy(e->pristine, e + 1, (size_t)e->len * jh_elem_size(e->letter));
}

static void free_elems(struct elems *e)
{
	free(e->pristine);
	free(e);
}

void jh_release_later(struct jh_worker *w, int64_t array, struct elems *e)
{
	if (w->nreleased == MAX_RELEASED) {
		jh_flush_released(w);
		jh_write_back(w, array, e);
		free_elems(e);
		return;
	}
	w->released[w->nreleased].handle = array;
	w->released[w->nreleased].e = e;
	w->nreleased++;
}

void jh_flush_released(struct jh_worker *w)
{
	int i, n = w->nreleased;

	w->nreleased = 0;
	jh_drop_offers(w); /* the JVM's arrays change now */
	for (i = 0; i < n; i++) {
		jh_write_back(w, w->released[i].handle, w->released[i].e);
		free_elems(w->released[i].e);
	}
}

/* The end of a call: the pieces that fit the arena as records, the others sent first. */
uint32_t jh_finish_call(struct jh_worker *w)
{
	struct pieces ps = { 0 };
	uint64_t room = w->arena_size, at = 0;
	size_t first, i;
	int k;

	jh_drop_offers(w);
	for (k = 0; k < w->nreleased; k++)
		array_pieces(w, &ps, w->released[k].handle, w->released[k].e);
	for (k = 0; k < w->nlent; k++)
		buffer_pieces(w, &ps, &w->lent[k]);
	/* the longest tail that fits goes with DONE: the order stays the library's */
	for (first = ps.n; first > 0 && cordon_jni_record_size(ps.p[first - 1].bytes) <= room; first--)
		room -= cordon_jni_record_size(ps.p[first - 1].bytes);
	send_all(w, &ps, first);
	for (i = first; i < ps.n; i++) {
		struct cordon_jni_req r;

		memset(&r, 0, sizeof(r));
		r.op = ps.p[i].op;
		memcpy(r.a, ps.p[i].a, sizeof(ps.p[i].a));
		r.data_len = ps.p[i].bytes;
		memcpy(w->arena + at, &r, sizeof(r));
		memcpy(w->arena + at + sizeof(r), ps.p[i].data, (size_t)ps.p[i].bytes);
		at += cordon_jni_record_size(ps.p[i].bytes);
	}
	free(ps.p);
	for (k = 0; k < w->nreleased; k++)
		free_elems(w->released[k].e);
	w->nreleased = 0;
	for (k = 0; k < w->nlent; k++) {
		free(w->lent[k].copy);
		free(w->lent[k].pristine);
	}
	w->nlent = 0;
	return (uint32_t)(ps.n - first);
}
