/*
 * Worker i serves lane i: JNI_BIND finds a Java_* function and prepares its
 * libffi call, JNI_CALL calls it with this worker's JNIEnv, JNI_ONLOAD runs
 * JNI_OnLoad. Waiting for a request is host/worker.c's handshake; while a
 * call runs, the library's JNI calls go out through outbound.c.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jni/ffi_kinds.h"
#include "jni/kinds.h"
#include "host/lane.h"
#include "jnihost/jnihost.h"

#define SYMBOL_MAX 1024

static struct jh_worker workers[CORDON_MAX_SLOTS];
static struct jh_method *methods[CORDON_JNI_MAX_METHODS];
static pthread_mutex_t methods_lock = PTHREAD_MUTEX_INITIALIZER;
__thread struct jh_worker *jh_self;

static void wait_request(struct cordon_slot *s)
{
	uint32_t st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);

	while (st != CORDON_SLOT_REQUEST) {
		if (st == CORDON_SLOT_DEAD)
			_exit(0);
		st = lane_await(&s->state, &s->host_waiting, st, LANE_SPIN_NS, 0);
	}
}

/* Method `fn` is `code` with these kinds from now on; a CORDON_STATUS_. */
static int32_t set_method(uint32_t fn, void *code, const char *kinds)
{
	struct jh_method *m;
	int i;

	if (fn >= CORDON_JNI_MAX_METHODS)
		return CORDON_STATUS_BAD_FN;
	if (!cordon_jni_kinds_valid(kinds) || strlen(kinds) > CORDON_JNI_MAX_KINDS - 1)
		return CORDON_STATUS_BAD_KINDS;
	m = calloc(1, sizeof(*m));
	if (!m)
		return CORDON_STATUS_TOO_MANY;
	m->fn = code;
	strcpy(m->kinds, kinds);
	m->nparams = (int)(strchr(kinds, ')') - kinds);
	m->types[0] = &ffi_type_pointer;
	m->types[1] = &ffi_type_pointer;
	for (i = 0; i < m->nparams; i++)
		m->types[i + 2] = cordon_jni_ffi_type(kinds[i]);
	if (ffi_prep_cif(&m->cif, FFI_DEFAULT_ABI, (unsigned)m->nparams + 2,
			 cordon_jni_ffi_type(kinds[m->nparams + 1]), m->types) != FFI_OK) {
		free(m);
		return CORDON_STATUS_BAD_KINDS;
	}
	pthread_mutex_lock(&methods_lock);
	methods[fn] = m; /* the old one is kept: a call on another lane may be running it */
	pthread_mutex_unlock(&methods_lock);
	return CORDON_STATUS_OK;
}

int jh_register_native(uint32_t fn, void *code, const char *descriptor)
{
	char kinds[CORDON_JNI_MAX_KINDS];

	if (cordon_jni_kinds(descriptor, kinds, sizeof(kinds)) < 0)
		return CORDON_STATUS_BAD_KINDS;
	return set_method(fn, code, kinds);
}

/* arena: "Java_symbol\0kinds\0", copied before it is read */
static int32_t bind(struct jh_worker *w, uint32_t fn)
{
	char text[SYMBOL_MAX + CORDON_JNI_MAX_KINDS + 2];
	size_t n = w->arena_size < sizeof(text) ? (size_t)w->arena_size : sizeof(text);
	const char *kinds;
	void *code;

	if (fn >= CORDON_JNI_MAX_METHODS)
		return CORDON_STATUS_BAD_FN;
	memcpy(text, w->arena, n);
	text[n - 1] = 0;
	kinds = text + strlen(text) + 1;
	if (kinds >= text + n || !memchr(kinds, 0, (size_t)(text + n - kinds)))
		return CORDON_STATUS_BAD_KINDS;
	code = dlsym(jh_library, text);
	if (!code)
		return CORDON_STATUS_NO_SYMBOL;
	return set_method(fn, code, kinds);
}

/* one argument's storage, of its own C type */
union arg {
	uint8_t z; int8_t b; uint16_t c; int16_t s; int32_t i; int64_t j;
	float f; double d; void *l;
};

static void set_arg(union arg *a, char k, int64_t w)
{
	uint32_t bits = (uint32_t)w;

	switch (k) {
	case 'Z': a->z = w != 0; break;
	case 'B': a->b = (int8_t)w; break;
	case 'C': a->c = (uint16_t)w; break;
	case 'S': a->s = (int16_t)w; break;
	case 'I': a->i = (int32_t)w; break;
	case 'J': a->j = w; break;
	case 'F': memcpy(&a->f, &bits, 4); break;
	case 'D': memcpy(&a->d, &w, 8); break;
	default: a->l = (void *)(uintptr_t)w; break;
	}
}

static int64_t result_word(char k, const void *ret)
{
	switch (k) {
	case 'V': return 0;
	case 'Z': return (uint8_t)*(const ffi_arg *)ret;
	case 'B': return (int8_t)*(const ffi_sarg *)ret;
	case 'C': return (uint16_t)*(const ffi_arg *)ret;
	case 'S': return (int16_t)*(const ffi_sarg *)ret;
	case 'I': return (int32_t)*(const ffi_sarg *)ret;
	case 'F': { uint32_t b; memcpy(&b, ret, 4); return b; }
	default: { int64_t x; memcpy(&x, ret, 8); return x; }
	}
}

static int32_t call(struct jh_worker *w, uint32_t fn, int64_t *result)
{
	union arg args[CORDON_JNI_MAX_KINDS + 1];
	void *values[CORDON_JNI_MAX_KINDS + 2];
	int64_t words[CORDON_JNI_MAX_KINDS + 1];
	JNIEnv *env = (JNIEnv *)&w->env;
	unsigned char ret[16];
	struct jh_method *m;
	int i;

	if (fn >= CORDON_JNI_MAX_METHODS)
		return CORDON_STATUS_BAD_FN;
	pthread_mutex_lock(&methods_lock);
	m = methods[fn];
	pthread_mutex_unlock(&methods_lock);
	if (!m)
		return CORDON_STATUS_BAD_FN;
	if (w->slot->args[0] != m->nparams + 1)
		return CORDON_STATUS_BAD_ARG;
	/* copied first: the arena carries the callbacks from here on */
	memcpy(words, w->arena, (size_t)(m->nparams + 1) * 8);
	jh_take_offers(w, (uint64_t)m->nparams + 1, (uint64_t)w->slot->args[1]);
	values[0] = &env;
	set_arg(&args[0], 'L', words[0]);
	values[1] = &args[0];
	for (i = 0; i < m->nparams; i++) {
		set_arg(&args[i + 1], m->kinds[i], words[i + 1]);
		values[i + 2] = &args[i + 1];
	}
	w->pending = 0;
	memset(ret, 0, sizeof(ret));
	ffi_call(&m->cif, FFI_FN(m->fn), ret, values);
	*result = result_word(m->kinds[m->nparams + 1], ret);
	w->slot->returns = jh_finish_call(w);
	return CORDON_STATUS_OK;
}

static int32_t onload(struct jh_worker *w, int64_t *result)
{
	jint (*fn)(JavaVM *, void *) = (jint (*)(JavaVM *, void *))dlsym(jh_library, "JNI_OnLoad");

	w->pending = 0;
	*result = fn ? fn(&jh_vm, NULL) : 0;
	w->slot->returns = jh_finish_call(w);
	return CORDON_STATUS_OK;
}

static void serve(struct jh_worker *w)
{
	struct cordon_slot *s = w->slot;
	int64_t result;
	int32_t status;

	for (;;) {
		wait_request(s);
		result = 0;
		s->returns = 0;
		switch (s->op) {
		case CORDON_OP_JNI_BIND: status = bind(w, s->fn); break;
		case CORDON_OP_JNI_CALL: status = call(w, s->fn, &result); break;
		case CORDON_OP_JNI_ONLOAD: status = onload(w, &result); break;
		default: status = CORDON_STATUS_BAD_OP; break;
		}
		s->result = result;
		s->status = status;
		lane_publish(&s->state, &s->caller_waiting, CORDON_SLOT_DONE);
	}
}

static void serve_lane(void *arg)
{
	struct jh_worker *w = arg;

	jh_self = w;
	serve(w);
}

void jh_start_workers(struct host *h)
{
	uint32_t i;

	for (i = 0; i < h->nslots; i++) {
		struct jh_worker *w = &workers[i];

		w->h = h;
		w->index = i;
		w->env.functions = &jh_functions;
		w->env.w = w;
		w->slot = host_slot(h, i);
		w->arena = host_arena(h, i);
		w->arena_size = host_arena_size(h);
		if (w->slot->arena_size < w->arena_size)
			w->arena_size = w->slot->arena_size;
		if (w->arena_size < CORDON_JNI_DATA + 4096)
			host_fail(h, "threads: a lane's arena of %llu bytes is too small for JNI",
				  (unsigned long long)w->arena_size);
	}
	host_start_lanes(h, serve_lane, workers, sizeof(workers[0]));
}
