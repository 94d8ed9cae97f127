/*
 * Handles: the domain's jobject, jclass, jmethodID and jfieldID. Each is
 * kind | generation | index+1 (cordon/jni_channel.h), looked up here and
 * checked: a forged, stale or wrong-kind handle sets the frame's violation,
 * which ends the domain; it never becomes a JNI call.
 *
 * Local refs live in the frame of one inbound call (JNI local refs of the
 * trampoline's own native frame), tagged with the frame's serial: one kept
 * past its call is stale. Global and weak refs, methods and fields live in
 * the domain, under its lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jni/shim.h"

#define GEN_MASK 0xffffffu

static int64_t make(unsigned kind, uint32_t gen, uint32_t index)
{
	return (int64_t)((uint64_t)kind << CORDON_JNI_KIND_SHIFT |
			 (uint64_t)(gen & GEN_MASK) << CORDON_JNI_GEN_SHIFT | ((uint64_t)index + 1));
}

static unsigned kind_of(int64_t h) { return (unsigned)((uint64_t)h >> CORDON_JNI_KIND_SHIFT); }
static uint32_t gen_of(int64_t h) { return (uint32_t)((uint64_t)h >> CORDON_JNI_GEN_SHIFT) & GEN_MASK; }
static int64_t index_of(int64_t h) { return (int64_t)(uint32_t)h - 1; }

void frame_violation(struct frame *f, const char *fmt, ...)
{
	va_list ap;

	if (f->violation)
		return;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	f->violation = f->why;
}

int64_t frame_add_local(struct frame *f, jobject obj)
{
	uint32_t cap;
	jobject *grown;

	if (!obj)
		return 0;
	if (f->nlocals == f->cap_locals) {
		if (f->cap_locals >= SHIM_MAX_LOCALS) {
			(*f->env)->DeleteLocalRef(f->env, obj);
			frame_violation(f, "more than %d local references in one call", SHIM_MAX_LOCALS);
			return 0;
		}
		cap = f->cap_locals * 2;
		grown = f->locals == f->inline_locals ? malloc(cap * sizeof(*grown))
						      : realloc(f->locals, cap * sizeof(*grown));
		if (!grown) {
			frame_violation(f, "out of memory for local references");
			return 0;
		}
		if (f->locals == f->inline_locals)
			memcpy(grown, f->inline_locals, sizeof(f->inline_locals));
		f->locals = grown;
		f->cap_locals = cap;
	}
	f->locals[f->nlocals] = obj;
	return make(CORDON_JNI_LOCAL, f->serial, f->nlocals++);
}

static jobject global_object(struct frame *f, int64_t h, unsigned kind)
{
	struct domain *d = f->d;
	int64_t i = index_of(h);
	jobject ref = NULL;

	pthread_mutex_lock(&d->lock);
	if (i >= 0 && i < d->nglobals && d->globals[i].ref && d->globals[i].gen == gen_of(h) &&
	    d->globals[i].kind == kind)
		ref = d->globals[i].ref;
	pthread_mutex_unlock(&d->lock);
	if (!ref)
		frame_violation(f, "stale or forged %s reference 0x%llx",
				kind == CORDON_JNI_WEAK ? "weak" : "global", (unsigned long long)h);
	return ref;
}

static jobject weak_object(struct frame *f, int64_t h)
{
	jobject weak = global_object(f, h, CORDON_JNI_WEAK);
	jobject strong = weak ? (*f->env)->NewLocalRef(f->env, weak) : NULL;

	if (strong)
		frame_add_local(f, strong); /* freed with the frame */
	return strong;
}

jobject frame_object(struct frame *f, int64_t h)
{
	int64_t i;

	if (h == 0 || f->violation)
		return NULL;
	switch (kind_of(h)) {
	case CORDON_JNI_LOCAL:
		i = index_of(h);
		if (gen_of(h) == (f->serial & GEN_MASK) && i >= 0 && i < f->nlocals && f->locals[i])
			return f->locals[i];
		frame_violation(f, "stale or forged local reference 0x%llx", (unsigned long long)h);
		return NULL;
	case CORDON_JNI_GLOBAL:
		return global_object(f, h, CORDON_JNI_GLOBAL);
	case CORDON_JNI_WEAK:
		/* a strong local for this use, NULL once collected: HotSpot is
		 * never handed a cleared weak where it expects an object */
		return weak_object(f, h);
	default:
		frame_violation(f, "0x%llx is not an object reference (forged, or of another kind)",
				(unsigned long long)h);
		return NULL;
	}
}

void frame_delete_local(struct frame *f, int64_t h)
{
	jobject obj;

	if (h == 0 || kind_of(h) != CORDON_JNI_LOCAL) /* DeleteLocalRef(global) is a no-op */
		return;
	obj = frame_object(f, h);
	if (!obj)
		return;
	(*f->env)->DeleteLocalRef(f->env, obj);
	f->locals[index_of(h)] = NULL;
}

int frame_push(struct frame *f)
{
	if (f->nmarks == SHIM_MAX_FRAMES)
		return -1;
	f->marks[f->nmarks++] = f->nlocals;
	return 0;
}

int64_t frame_pop(struct frame *f, int64_t result)
{
	jobject keep = frame_object(f, result);
	uint32_t mark, i;

	if (f->violation)
		return 0;
	if (!f->nmarks) {
		frame_violation(f, "PopLocalFrame without PushLocalFrame");
		return 0;
	}
	if (keep)
		keep = (*f->env)->NewLocalRef(f->env, keep);
	mark = f->marks[--f->nmarks];
	for (i = mark; i < f->nlocals; i++) {
		if (f->locals[i])
			(*f->env)->DeleteLocalRef(f->env, f->locals[i]);
		f->locals[i] = NULL;
	}
	f->nlocals = mark;
	return frame_add_local(f, keep);
}

int64_t domain_add_global(struct frame *f, jobject obj, int weak)
{
	struct domain *d = f->d;
	jobject ref;
	uint32_t i;
	int64_t h = 0;

	if (!obj)
		return 0;
	ref = weak ? (*f->env)->NewWeakGlobalRef(f->env, obj) : (*f->env)->NewGlobalRef(f->env, obj);
	if (!ref)
		return 0;
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->nglobals && d->globals[i].ref; i++)
		;
	if (i < SHIM_MAX_GLOBALS) {
		if (i == d->nglobals)
			d->nglobals++;
		d->globals[i].ref = ref;
		d->globals[i].gen++;
		d->globals[i].kind = weak ? CORDON_JNI_WEAK : CORDON_JNI_GLOBAL;
		h = make(d->globals[i].kind, d->globals[i].gen, i);
	}
	pthread_mutex_unlock(&d->lock);
	if (!h) {
		if (weak)
			(*f->env)->DeleteWeakGlobalRef(f->env, ref);
		else
			(*f->env)->DeleteGlobalRef(f->env, ref);
		frame_violation(f, "more than %d global references", SHIM_MAX_GLOBALS);
	}
	return h;
}

void domain_delete_global(struct frame *f, int64_t h, int weak)
{
	struct domain *d = f->d;
	unsigned kind = weak ? CORDON_JNI_WEAK : CORDON_JNI_GLOBAL;
	int64_t i = index_of(h);
	jobject ref = NULL;

	if (h == 0)
		return;
	pthread_mutex_lock(&d->lock);
	if (kind_of(h) == kind && i >= 0 && i < d->nglobals && d->globals[i].ref &&
	    d->globals[i].gen == gen_of(h) && d->globals[i].kind == kind) {
		ref = d->globals[i].ref;
		d->globals[i].ref = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	if (!ref) {
		frame_violation(f, "deleting a stale or forged reference 0x%llx", (unsigned long long)h);
		return;
	}
	if (weak)
		(*f->env)->DeleteWeakGlobalRef(f->env, ref);
	else
		(*f->env)->DeleteGlobalRef(f->env, ref);
}

/* A new incarnation: the old one's references die with its memory. */
void domain_clear_globals(JNIEnv *env, struct domain *d)
{
	uint32_t i;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->nglobals; i++) {
		if (!d->globals[i].ref)
			continue;
		if (d->globals[i].kind == CORDON_JNI_WEAK)
			(*env)->DeleteWeakGlobalRef(env, d->globals[i].ref);
		else
			(*env)->DeleteGlobalRef(env, d->globals[i].ref);
		d->globals[i].ref = NULL;
	}
	pthread_mutex_unlock(&d->lock);
}

/* methods and fields: append-only tables, published under the lock */
static int grow(void ***table, uint32_t *cap, uint32_t n)
{
	void **grown;

	if (n < *cap)
		return 0;
	if (*cap >= CORDON_JNI_MAX_METHODS)
		return -1;
	grown = realloc(*table, (*cap ? *cap * 2 : 64) * sizeof(void *));
	if (!grown)
		return -1;
	*table = grown;
	*cap = *cap ? *cap * 2 : 64;
	return 0;
}

int64_t domain_add_method(struct frame *f, struct method_entry *m)
{
	struct domain *d = f->d;
	int64_t h = 0;

	pthread_mutex_lock(&d->lock);
	if (!grow((void ***)&d->methods, &d->cap_methods, d->nmethods)) {
		d->methods[d->nmethods] = m;
		h = make(CORDON_JNI_METHOD, 0, d->nmethods++);
	}
	pthread_mutex_unlock(&d->lock);
	if (!h)
		frame_violation(f, "too many method ids");
	return h;
}

struct method_entry *domain_method(struct frame *f, int64_t h)
{
	struct domain *d = f->d;
	struct method_entry *m = NULL;
	int64_t i = index_of(h);

	pthread_mutex_lock(&d->lock);
	if (kind_of(h) == CORDON_JNI_METHOD && gen_of(h) == 0 && i >= 0 && i < d->nmethods)
		m = d->methods[i];
	pthread_mutex_unlock(&d->lock);
	if (!m)
		frame_violation(f, "0x%llx is not a method id", (unsigned long long)h);
	return m;
}

int64_t domain_add_field(struct frame *f, struct field_entry *e)
{
	struct domain *d = f->d;
	int64_t h = 0;

	pthread_mutex_lock(&d->lock);
	if (!grow((void ***)&d->fields, &d->cap_fields, d->nfields)) {
		d->fields[d->nfields] = e;
		h = make(CORDON_JNI_FIELD, 0, d->nfields++);
	}
	pthread_mutex_unlock(&d->lock);
	if (!h)
		frame_violation(f, "too many field ids");
	return h;
}

struct field_entry *domain_field(struct frame *f, int64_t h)
{
	struct domain *d = f->d;
	struct field_entry *e = NULL;
	int64_t i = index_of(h);

	pthread_mutex_lock(&d->lock);
	if (kind_of(h) == CORDON_JNI_FIELD && gen_of(h) == 0 && i >= 0 && i < d->nfields)
		e = d->fields[i];
	pthread_mutex_unlock(&d->lock);
	if (!e)
		frame_violation(f, "0x%llx is not a field id", (unsigned long long)h);
	return e;
}
