/*
 * Worker i serves slot i. The JVM posts a request by filling the slot and
 * storing state = REQUEST; the worker answers with state = DONE. Waiting is
 * the lane handshake (lane.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cordon/image.h"
#include "host.h"
#include "host/lane.h"

#define SPIN_NS        5000L           /* an empty call's gap is short: spin less than lane.h */
#define NAME_MAX_LEN   1024            /* longest symbol OP_RESOLVE takes */

struct worker {
	struct host *h;
	uint32_t index;
};

static struct worker workers[CORDON_MAX_SLOTS];

/* Returns once the slot holds a request; exits if the JVM tore down. */
static void wait_request(struct cordon_slot *s)
{
	uint32_t st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);

	while (st != CORDON_SLOT_REQUEST) {
		if (st == CORDON_SLOT_DEAD)
			_exit(0);
		st = lane_await(&s->state, &s->host_waiting, st, SPIN_NS, 0);
	}
}

static int32_t resolve(struct host *h, const unsigned char *arena, uint64_t arena_size,
		       int64_t *result)
{
	char name[NAME_MAX_LEN];
	size_t n = arena_size < sizeof(name) ? (size_t)arena_size : sizeof(name);
	uint32_t index;
	void *fn;
	int32_t rc;

	/* copy first: the JVM's bytes could change under our feet */
	memcpy(name, arena, n);
	if (!memchr(name, 0, n))
		return CORDON_STATUS_BAD_ARG;
	fn = cordon_image_symbol(h->img, name);
	if (!fn)
		return CORDON_STATUS_NO_SYMBOL;
	rc = functab_add(fn, &index);
	if (rc == CORDON_STATUS_OK)
		*result = index;
	return rc;
}

static int32_t call(struct cordon_slot *s, unsigned char *arena, uint64_t arena_size,
		    int64_t *result)
{
	uint32_t mask = s->ptr_mask;
	void *fn = functab_get(s->fn);
	int64_t a[CORDON_MAX_ARGS];
	int i;

	if (!fn)
		return CORDON_STATUS_BAD_FN;
	if (mask >> CORDON_MAX_ARGS)
		return CORDON_STATUS_BAD_ARG;
	for (i = 0; i < CORDON_MAX_ARGS; i++) {
		a[i] = s->args[i];
		if (!(mask & (1u << i)))
			continue;
		/* an arena offset; the end itself is fine (empty buffer) */
		if (a[i] < 0 || (uint64_t)a[i] > arena_size)
			return CORDON_STATUS_BAD_ARG;
		a[i] = (int64_t)(uintptr_t)(arena + a[i]);
	}
	_Static_assert(CORDON_MAX_ARGS == 6, "host_call_export passes six");
	*result = host_call_export(fn, a);
	return CORDON_STATUS_OK;
}

static void serve(struct host *h, uint32_t i)
{
	struct cordon_slot *s = host_slot(h, i);
	unsigned char *arena = host_arena(h, i);
	uint64_t arena_size;
	int64_t result;
	int32_t status;

	for (;;) {
		wait_request(s);
		/* a smaller arena_size from the JVM is honoured, a larger one not */
		arena_size = host_arena_size(h);
		if (s->arena_size < arena_size)
			arena_size = s->arena_size;
		result = 0;
		switch (s->op) {
		case CORDON_OP_RESOLVE:
			status = resolve(h, arena, arena_size, &result);
			break;
		case CORDON_OP_CALL:
			status = call(s, arena, arena_size, &result);
			break;
		default:
			status = CORDON_STATUS_BAD_OP;
			break;
		}
		s->result = result;
		s->status = status;
		lane_publish(&s->state, &s->caller_waiting, CORDON_SLOT_DONE);
	}
}

static void serve_lane(void *arg)
{
	struct worker *w = arg;

	serve(w->h, w->index);
}

/* Start the workers (host/lanes.c) and wait until each has published its
 * thread id. */
void host_start_workers(struct host *h)
{
	uint32_t i;

	for (i = 0; i < h->nslots; i++)
		workers[i] = (struct worker){ h, i };
	host_start_lanes(h, serve_lane, workers, sizeof(workers[0]));
}
