/*
 * The trampolines: what an isolated bundle's native methods are bound to.
 * One libffi closure per method, of the method's own JNI signature (any
 * number of arguments, floats and doubles included). A call takes a lane
 * from the Java side (JniDomain.acquire), writes the receiver and the
 * arguments as words into the lane's arena, and then serves the domain's
 * JNI requests on this thread until the domain answers DONE, dies, breaks a
 * rule or passes its deadline. Libffi rather than FFM upcall stubs: the
 * entry point must be a JNI function (it gets JNIEnv and jobjects, which
 * only JNI can turn into objects), and libffi's closures are exactly that,
 * a well-kept library on every Linux.
 */
#include <ffi.h>
#include <stdlib.h>
#include <string.h>

#include "host/lane.h"
#include "jni/ffi_kinds.h"
#include "jni/kinds.h"
#include "jni/shim.h"

struct binding {
	struct domain *d;
	jint index;
	int nparams;
	jclass returns;     /* the class a returned reference must be of (global) */
	char kinds[CORDON_JNI_MAX_KINDS];
	ffi_cif cif;
	ffi_type *types[CORDON_JNI_MAX_KINDS + 2];
	void *code;
};

static uint32_t serials;

/* Waits while the domain works; the state it left, or 0 past the deadline. */
static uint32_t await(struct cordon_slot *s, uint32_t mine, long deadline)
{
	uint32_t st = lane_await(&s->state, &s->caller_waiting, mine, LANE_SPIN_NS, deadline);

	return st == mine ? 0 : st;
}

/* One callback: the record copied out of the domain's reach, served, answered. */
static int callback(struct frame *f, struct cordon_slot *s)
{
	unsigned char *arena = f->slot + CORDON_SLOT_HEAD;
	uint64_t cap = f->arena_size - CORDON_JNI_DATA;
	struct cordon_jni_req req;

	memcpy(&req, arena, sizeof(req));
	if (req.data_len > cap) {
		frame_violation(f, "a JNI request with %llu bytes of data", (unsigned long long)req.data_len);
		return -1;
	}
	if (serve_request(f, &req, arena + CORDON_JNI_DATA, cap))
		return -1;
	memcpy(arena, &req, sizeof(req));
	lane_publish(&s->state, &s->host_waiting, CORDON_SLOT_ANSWER);
	return 0;
}

/*
 * The write-back records that came with DONE (cordon/jni_channel.h), each
 * served as the request it is; anything but SET_ARRAY_REGION and
 * SET_BUFFER_REGION, or a record past the arena, breaks the rules.
 */
static int write_backs(struct frame *f, uint32_t n)
{
	unsigned char *arena = f->slot + CORDON_SLOT_HEAD;
	uint64_t at = 0;
	struct cordon_jni_req req;

	while (n--) {
		if (at > f->arena_size || f->arena_size - at < sizeof(req))
			return frame_violation(f, "write-backs past the arena"), -1;
		memcpy(&req, arena + at, sizeof(req));
		if (req.op != CORDON_JNI_SET_ARRAY_REGION && req.op != CORDON_JNI_SET_BUFFER_REGION)
			return frame_violation(f, "a write-back that is request %u", req.op), -1;
		if (req.data_len > f->arena_size - at - sizeof(req))
			return frame_violation(f, "a write-back past the arena"), -1;
		if (serve_request(f, &req, arena + at + sizeof(req), req.data_len))
			return -1;
		at += cordon_jni_record_size(req.data_len);
	}
	return 0;
}

enum outcome { DONE, DEAD, VIOLATED, TIMED_OUT };

/* Posts the request on the lane and serves the domain until it is done. */
static enum outcome run(struct frame *f, uint32_t op, uint32_t fn, int64_t nwords, int64_t noffers,
			int64_t *result, int32_t *status)
{
	struct cordon_slot *s = (struct cordon_slot *)f->slot;
	long deadline = lane_now_ns() + f->d->deadline_ns;
	uint32_t st, expect = CORDON_SLOT_IDLE;

	s->op = op;
	s->fn = fn;
	s->ptr_mask = 0;
	s->args[0] = nwords;
	s->args[1] = noffers;
	if (!__atomic_compare_exchange_n(&s->state, &expect, CORDON_SLOT_REQUEST, 0,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return DEAD;
	if (__atomic_load_n(&s->host_waiting, __ATOMIC_SEQ_CST))
		lane_wake(&s->state);
	st = CORDON_SLOT_REQUEST;
	for (;;) {
		st = await(s, st, deadline);
		if (st == 0)
			return TIMED_OUT;
		if (st == CORDON_SLOT_DONE)
			break;
		if (st != CORDON_SLOT_CALLBACK)
			return DEAD;
		if (callback(f, s))
			return VIOLATED;
		st = CORDON_SLOT_ANSWER;
	}
	*result = s->result;
	*status = s->status;
	if (s->returns && write_backs(f, s->returns))
		return VIOLATED;
	expect = CORDON_SLOT_DONE;
	__atomic_compare_exchange_n(&s->state, &expect, CORDON_SLOT_IDLE, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return DONE;
}

static void frame_end(struct frame *f)
{
	uint32_t i;

	for (i = 0; i < f->nlocals; i++)
		if (f->locals[i])
			(*f->env)->DeleteLocalRef(f->env, f->locals[i]);
	if (f->locals != f->inline_locals)
		free(f->locals);
	free(f->scratch);
}

/*
 * Gives the lane back and, unless the call ended well, raises what the
 * Java side makes of it (DomainFailedException, DomainTimeoutException).
 * An exception the call left pending stays pending.
 */
static void finish(struct frame *f, jlong lane, enum outcome how)
{
	JNIEnv *env = f->env;
	jthrowable pending = (*env)->ExceptionOccurred(env), raised = NULL;

	(*env)->ExceptionClear(env);
	if (how == VIOLATED) {
		jstring why = (*env)->NewStringUTF(env, f->violation ? f->violation : "broke the JNI rules");
		raised = (*env)->CallObjectMethod(env, f->d->java, shim.violated, lane, why);
	} else if (how == TIMED_OUT) {
		raised = (*env)->CallObjectMethod(env, f->d->java, shim.timed_out, lane);
	} else if (how == DEAD) {
		raised = (*env)->CallObjectMethod(env, f->d->java, shim.failed, lane);
	}
	(*env)->ExceptionClear(env);
	(*env)->CallVoidMethod(env, f->d->java, shim.release, lane);
	if (raised)
		(*env)->Throw(env, raised);
	else if (pending)
		(*env)->Throw(env, pending);
}

static jlong acquire(JNIEnv *env, struct domain *d)
{
	return (*env)->CallLongMethod(env, d->java, shim.acquire);
}

static void frame_begin(struct frame *f, JNIEnv *env, struct domain *d, jlong lane)
{
	memset(f, 0, sizeof(*f));
	f->d = d;
	f->env = env;
	f->slot = (unsigned char *)(uintptr_t)lane;
	f->arena_size = ((struct cordon_slot *)f->slot)->arena_size;
	if (f->arena_size > d->arena_size)
		f->arena_size = d->arena_size; /* the JVM's own figure wins */
	f->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	f->locals = f->inline_locals;
	f->cap_locals = SHIM_INLINE_LOCALS;
}

/* The argument's value as a word; a reference becomes a local handle. */
static int64_t word(struct frame *f, char k, void *arg)
{
	switch (k) {
	case 'Z': return *(jboolean *)arg;
	case 'B': return *(jbyte *)arg;
	case 'C': return *(jchar *)arg;
	case 'S': return *(jshort *)arg;
	case 'I': return *(jint *)arg;
	case 'J': return *(jlong *)arg;
	case 'F': { uint32_t b; memcpy(&b, arg, 4); return b; }
	case 'D': { int64_t b; memcpy(&b, arg, 8); return b; }
	default: return frame_add_local(f, *(jobject *)arg);
	}
}

/* the element letter of a primitive array, 0 for anything else */
static char array_letter(JNIEnv *env, jobject o)
{
	static const char letters[] = "ZBCSIJFD";
	int i;

	for (i = 0; i < 8; i++)
		if ((*env)->IsInstanceOf(env, o, shim.prim_arrays[i]))
			return letters[i];
	return 0;
}

/* o's bytes into the arena at `at` as an offer, if they fit; 0 if not offered */
static int offer_one(JNIEnv *env, jobject o, unsigned char *arena, uint64_t at, uint64_t end,
		     struct cordon_jni_offer *ofr)
{
	char letter = array_letter(env, o);
	void *addr;
	jlong n;

	if (letter) {
		n = (*env)->GetArrayLength(env, o);
		if ((uint64_t)n * (uint64_t)cordon_jni_kind_size(letter) > end - at)
			return 0;
		array_region(env, o, letter, 0, (jsize)n, arena + at, 1);
	} else {
		if (!(*env)->IsInstanceOf(env, o, shim.byte_buffer_class))
			return 0;
		addr = (*env)->GetDirectBufferAddress(env, o);
		n = (*env)->GetDirectBufferCapacity(env, o);
		if (!addr || n < 0 || (uint64_t)n > end - at)
			return 0;
		memcpy(arena + at, addr, (size_t)n); /* all of it, never past its capacity */
		letter = 'B';
		ofr->buffer = 1;
	}
	ofr->count = n;
	ofr->letter = (uint32_t)letter;
	ofr->offset = at;
	return 1;
}

/*
 * The call's primitive-array and direct-buffer arguments, sent with it
 * (cordon/jni_channel.h): each object once, while they fit the arena.
 * Returns how many; their table follows the words.
 */
static int64_t offers(struct frame *f, struct binding *b, void **args, int64_t *words)
{
	JNIEnv *env = f->env;
	unsigned char *arena = f->slot + CORDON_SLOT_HEAD;
	uint64_t table = cordon_jni_offers_at((uint64_t)b->nparams + 1);
	uint64_t at = table + CORDON_JNI_MAX_OFFERS * sizeof(struct cordon_jni_offer);
	jobject offered[CORDON_JNI_MAX_OFFERS];
	int64_t n = 0;
	int i, k;

	for (i = 0; i < b->nparams && n < CORDON_JNI_MAX_OFFERS && at < f->arena_size; i++) {
		jobject o = b->kinds[i] == 'L' ? *(jobject *)args[i + 2] : NULL;
		struct cordon_jni_offer ofr = { words[i + 1], 0, 0, 0, 0 };

		for (k = 0; o && k < n; k++)
			if ((*env)->IsSameObject(env, o, offered[k]))
				o = NULL; /* twice: the second asks, after the first's write-back */
		if (!o || !offer_one(env, o, arena, at, f->arena_size, &ofr))
			continue;
		memcpy(arena + table + (uint64_t)n * sizeof(ofr), &ofr, sizeof(ofr));
		offered[n++] = o;
		at = (at + (uint64_t)ofr.count * (ofr.buffer ? 1 : cordon_jni_kind_size((char)ofr.letter)) + 15) & ~15ull;
	}
	return n;
}

/* The domain's return word as the method's return value. */
static void returned(struct frame *f, struct binding *b, int64_t w, void *ret)
{
	JNIEnv *env = f->env;
	char k = b->kinds[b->nparams + 1];
	jobject o;

	switch (k) {
	case 'V': return;
	case 'Z': *(ffi_arg *)ret = w != 0; return;
	case 'B': *(ffi_sarg *)ret = (jbyte)w; return;
	case 'C': *(ffi_arg *)ret = (jchar)w; return;
	case 'S': *(ffi_sarg *)ret = (jshort)w; return;
	case 'I': *(ffi_sarg *)ret = (jint)w; return;
	case 'J': *(jlong *)ret = w; return;
	case 'F': { uint32_t bits = (uint32_t)w; memcpy(ret, &bits, 4); return; }
	case 'D': memcpy(ret, &w, 8); return;
	}
	o = frame_object(f, w);
	if (o && b->returns && !(*env)->IsInstanceOf(env, o, b->returns)) {
		frame_violation(f, "returned an object not of the method's return type");
		o = NULL;
	}
	*(jobject *)ret = o ? (*env)->NewLocalRef(env, o) : NULL;
}

static void trampoline(ffi_cif *cif, void *ret, void **args, void *user)
{
	struct binding *b = user;
	JNIEnv *env = *(JNIEnv **)args[0];
	struct frame f;
	enum outcome how;
	int64_t *words, result = 0, noffers;
	int32_t status = 0;
	jlong lane;
	int i;

	(void)cif;
	memset(ret, 0, b->cif.rtype->size > sizeof(ffi_arg) ? b->cif.rtype->size : sizeof(ffi_arg));
	lane = acquire(env, b->d);
	if ((*env)->ExceptionCheck(env))
		return;
	frame_begin(&f, env, b->d, lane);
	words = (int64_t *)(f.slot + CORDON_SLOT_HEAD);
	words[0] = frame_add_local(&f, *(jobject *)args[1]);
	for (i = 0; i < b->nparams; i++)
		words[i + 1] = word(&f, b->kinds[i], args[i + 2]);
	noffers = offers(&f, b, args, words);
	how = run(&f, CORDON_OP_JNI_CALL, (uint32_t)b->index, b->nparams + 1, noffers, &result, &status);
	if (how == DONE && status != CORDON_STATUS_OK)
		frame_violation(&f, "the domain refused the call (status %d)", status), how = VIOLATED;
	if (how == DONE) {
		returned(&f, b, result, ret);
		if (f.violation)
			how = VIOLATED;
	}
	if (how != DONE)
		memset(ret, 0, sizeof(ffi_arg) > 8 ? sizeof(ffi_arg) : 8);
	finish(&f, lane, how);
	frame_end(&f);
}

jlong shim_bind(JNIEnv *env, struct domain *d, jclass cls, jstring name, jstring descriptor,
		jclass returns, jint index)
{
	JNINativeMethod method;
	struct binding *b = calloc(1, sizeof(*b));
	ffi_closure *closure;
	const char *n = (*env)->GetStringUTFChars(env, name, NULL);
	const char *sig = (*env)->GetStringUTFChars(env, descriptor, NULL);
	jint rc = -1;
	int i;

	if (!b || !n || !sig)
		goto out;
	b->d = d;
	b->index = index;
	b->nparams = cordon_jni_kinds(sig, b->kinds, sizeof(b->kinds));
	b->returns = returns ? (*env)->NewGlobalRef(env, returns) : NULL;
	if (b->nparams < 0)
		goto out;
	b->types[0] = &ffi_type_pointer;
	b->types[1] = &ffi_type_pointer;
	for (i = 0; i < b->nparams; i++)
		b->types[i + 2] = cordon_jni_ffi_type(b->kinds[i]);
	if (ffi_prep_cif(&b->cif, FFI_DEFAULT_ABI, (unsigned)b->nparams + 2,
			 cordon_jni_ffi_type(b->kinds[b->nparams + 1]), b->types) != FFI_OK)
		goto out;
	closure = ffi_closure_alloc(sizeof(ffi_closure), &b->code);
	if (!closure || ffi_prep_closure_loc(closure, &b->cif, trampoline, b, b->code) != FFI_OK)
		goto out;
	method.name = (char *)n;
	method.signature = (char *)sig;
	method.fnPtr = b->code;
	rc = (*env)->RegisterNatives(env, cls, &method, 1);
	b = NULL; /* bound, or half made: kept, never freed (a closure may still be entered) */
out:
	if (n)
		(*env)->ReleaseStringUTFChars(env, name, n);
	if (sig)
		(*env)->ReleaseStringUTFChars(env, descriptor, sig);
	free(b);
	return rc;
}

/* JNI_OnLoad in the domain: its version, 0 if the library has none, -1 with an exception */
jint shim_onload(JNIEnv *env, struct domain *d)
{
	struct frame f;
	enum outcome how;
	int64_t result = 0;
	int32_t status = 0;
	jlong lane = acquire(env, d);

	if ((*env)->ExceptionCheck(env))
		return -1;
	frame_begin(&f, env, d, lane);
	how = run(&f, CORDON_OP_JNI_ONLOAD, 0, 0, 0, &result, &status);
	finish(&f, lane, how);
	frame_end(&f);
	return how == DONE && status == CORDON_STATUS_OK ? (jint)result : -1;
}

/* JNI_BIND: the domain's status (CORDON_STATUS_NO_SYMBOL if it has no such
 * function), -1 with an exception, -2 for a descriptor we cannot call */
jint shim_host_bind(JNIEnv *env, struct domain *d, jint index, jstring symbol, jstring descriptor)
{
	char kinds[CORDON_JNI_MAX_KINDS];
	const char *sym, *sig;
	struct frame f;
	enum outcome how;
	int64_t result = 0;
	int32_t status = -2;
	size_t n, k;
	jlong lane;

	sig = (*env)->GetStringUTFChars(env, descriptor, NULL);
	if (!sig)
		return -1;
	n = cordon_jni_kinds(sig, kinds, sizeof(kinds)) < 0 ? 0 : 1;
	(*env)->ReleaseStringUTFChars(env, descriptor, sig);
	if (!n)
		return -2;
	lane = acquire(env, d);
	if ((*env)->ExceptionCheck(env))
		return -1;
	frame_begin(&f, env, d, lane);
	sym = (*env)->GetStringUTFChars(env, symbol, NULL);
	n = sym ? strlen(sym) + 1 : 0;
	k = strlen(kinds) + 1;
	if (sym && n + k <= f.arena_size) {
		memcpy(f.slot + CORDON_SLOT_HEAD, sym, n);
		memcpy(f.slot + CORDON_SLOT_HEAD + n, kinds, k);
		how = run(&f, CORDON_OP_JNI_BIND, (uint32_t)index, 0, 0, &result, &status);
	} else {
		how = DONE;
	}
	if (sym)
		(*env)->ReleaseStringUTFChars(env, symbol, sym);
	finish(&f, lane, how);
	frame_end(&f);
	return how == DONE ? status : -1;
}
