/*
 * Key virtualisation (keys.h): a few hardware protection keys shared out
 * among any number of domains, each domain holding a key of its own while
 * it runs, the least recently used idle domain giving its key up (its pages
 * re-tagged to the parking key) when a parked one needs it.
 *
 * Why it is safe, the fast path against eviction. keys_enter first counts
 * the call (u->inflight += 1), then reads u->evicting, then u->key; an
 * evictor, under the lock, sets v->evicting = 1, then reads v->inflight,
 * and takes the key only if that read 0. All four are sequentially
 * consistent, so in their single total order either the increment comes
 * before the evictor's read (the evictor sees the call and leaves the key
 * alone) or the evictor's store comes before the enterer's read (the
 * enterer sees "evicting" and takes the slow path, which waits for the
 * lock, so for the eviction to finish, and then finds the domain parked).
 * Both cannot be missed: that is Dekker's argument. The evictor stores
 * v->key = parking before it clears v->evicting, so an enterer that reads
 * the cleared flag reads the parking key too. Keys are handed out (u->key
 * stored) only after the pages carry them, so a key read on the fast path
 * is always the one the domain's pages carry, and stays so until leave.
 *
 * Everything else (the table of holders, handing out, taking back,
 * register/unregister) happens under one mutex; retag callbacks run under
 * it, so two retags never overlap and a key is re-tagged away from its old
 * owner's pages before a new owner's pages are tagged with it.
 *
 * Failed retags. Re-tagging a domain to a new key that fails midway is
 * undone by re-tagging it to the parking key (the key goes back to the free
 * set); when re-tagging a victim to the parking key fails, it is re-tagged
 * back to its key (it keeps it). Where the way back fails too, the pages
 * may carry the key in part: the domain is marked unusable (keys_enter
 * -EIO) and the key stays withheld as its "stuck" key until unregister
 * manages to park it, or for good if even that fails (stats.lost).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cordon/mpk.h"
#include "keys.h"

struct keys {
	pthread_mutex_t lock;
	struct keys_ops ops;
	int switch_key, parking_key;
	unsigned nkeys;
	int dkey[CORDON_PKEY_COUNT];	/* the domain keys */
	/* by key number: the user holding it (its key or its stuck key) */
	struct keys_user *holder[CORDON_PKEY_COUNT];
	unsigned char lost[CORDON_PKEY_COUNT]; /* withheld for good */
	struct keys_user *users;	/* registered, a list */
	unsigned nusers;
	_Atomic uint64_t tick;		/* the LRU clock: one per leave */
	uint64_t evictions, busy, retag_failures;
};

static int valid_key(int key)
{
	return key > 0 && key < CORDON_PKEY_COUNT;
}

static uint64_t next_tick(struct keys *k)
{
	return atomic_fetch_add_explicit(&k->tick, 1, memory_order_relaxed) + 1;
}

/* --- the kernel's allocator --- */

static int kernel_alloc(void *ctx)
{
	(void)ctx;
	return cordon_pkey_alloc();
}

static void kernel_free(void *ctx, int key)
{
	(void)ctx;
	cordon_pkey_free(key);
}

static const struct keys_ops kernel_ops = { kernel_alloc, kernel_free, NULL };

/* --- set up and tear down --- */

static int alloc_one(struct keys *k)
{
	int key = k->ops.alloc(k->ops.ctx);

	if (key >= 0 && !valid_key(key)) {
		k->ops.free(k->ops.ctx, key);
		return -EINVAL;
	}
	return key;
}

static void free_all(struct keys *k)
{
	unsigned i;

	for (i = 0; i < k->nkeys; i++)
		if (!k->holder[k->dkey[i]] && !k->lost[k->dkey[i]])
			k->ops.free(k->ops.ctx, k->dkey[i]);
	if (k->parking_key > 0)
		k->ops.free(k->ops.ctx, k->parking_key);
	if (k->switch_key > 0)
		k->ops.free(k->ops.ctx, k->switch_key);
}

static int alloc_keys(struct keys *k, unsigned max_keys)
{
	int key;

	k->switch_key = alloc_one(k);
	if (k->switch_key < 0)
		return k->switch_key;
	k->parking_key = alloc_one(k);
	if (k->parking_key < 0)
		return k->parking_key;
	while (k->nkeys < max_keys && k->nkeys < CORDON_PKEY_COUNT) {
		key = alloc_one(k);
		if (key < 0) {
			if (k->nkeys == 0)
				return key;
			break;
		}
		k->dkey[k->nkeys++] = key;
	}
	return k->nkeys ? 0 : -EINVAL;
}

int keys_init_ops(struct keys **out, unsigned max_keys, const struct keys_ops *ops)
{
	struct keys *k;
	int rc;

	if (!out || !ops || !ops->alloc || !ops->free)
		return -EINVAL;
	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->ops = *ops;
	k->switch_key = k->parking_key = -1;
	atomic_init(&k->tick, 0);
	rc = pthread_mutex_init(&k->lock, NULL);
	if (rc) {
		free(k);
		return -rc;
	}
	rc = alloc_keys(k, max_keys);
	if (rc < 0) {
		keys_fini(k);
		return rc;
	}
	*out = k;
	return 0;
}

int keys_init(struct keys **out, unsigned max_keys)
{
	return keys_init_ops(out, max_keys, &kernel_ops);
}

void keys_fini(struct keys *k)
{
	if (!k)
		return;
	/* keys still held tag live pages: those stay allocated */
	free_all(k);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

int keys_switch_key(const struct keys *k)
{
	return k->switch_key;
}

int keys_parking_key(const struct keys *k)
{
	return k->parking_key;
}

unsigned keys_domain_keys(const struct keys *k)
{
	return k->nkeys;
}

/* --- handing keys out and taking them back (all under the lock) --- */

static int free_key(struct keys *k)
{
	unsigned i;

	for (i = 0; i < k->nkeys; i++)
		if (!k->holder[k->dkey[i]] && !k->lost[k->dkey[i]])
			return k->dkey[i];
	return -EBUSY;
}

/* The least recently used holder not in `tried` that looks idle. */
static struct keys_user *lru_idle(struct keys *k, unsigned tried)
{
	struct keys_user *v, *best = NULL;
	uint64_t best_use = 0, use;
	unsigned i;

	for (i = 0; i < k->nkeys; i++) {
		v = k->holder[k->dkey[i]];
		if (!v || v->stuck_key || (tried & 1u << k->dkey[i]) ||
		    atomic_load_explicit(&v->inflight, memory_order_relaxed))
			continue;
		use = atomic_load_explicit(&v->last_use, memory_order_relaxed);
		if (!best || use < best_use) {
			best = v;
			best_use = use;
		}
	}
	return best;
}

/* Mark v as taking no new call on its key; 0 if one is in flight. The
 * evictor's half of the protocol in the header comment. */
static int claim(struct keys_user *v)
{
	atomic_store(&v->evicting, 1);
	if (atomic_load(&v->inflight) == 0)
		return 1;
	atomic_store(&v->evicting, 0);
	return 0;
}

/* The pages may carry `key` in part: v is unusable, the key its own. */
static void mark_stuck(struct keys *k, struct keys_user *v, int key)
{
	k->holder[key] = v;
	v->stuck_key = key;
	v->error = -EIO;
	atomic_store(&v->key, k->parking_key);
}

/* Take the key back from a claimed, idle v: re-tag its pages to the
 * parking key, or failing that back to its key (it keeps it). */
static int park(struct keys *k, struct keys_user *v, int key)
{
	int rc = v->retag(v->owner, k->parking_key);

	if (rc == 0) {
		k->holder[key] = NULL;
		atomic_store(&v->key, k->parking_key);
		k->evictions++;
	} else {
		k->retag_failures++;
		if (v->retag(v->owner, key))
			mark_stuck(k, v, key);
	}
	atomic_store(&v->evicting, 0); /* after v->key: see the header */
	return rc;
}

static int evict_lru(struct keys *k)
{
	struct keys_user *v;
	unsigned tried = 0;
	int key, rc;

	while ((v = lru_idle(k, tried))) {
		key = atomic_load(&v->key);
		tried |= 1u << key;
		if (!claim(v))
			continue;
		rc = park(k, v, key);
		return rc ? rc : key;
	}
	return -EBUSY;
}

/* A key for a parked domain: a free one, else the LRU idle holder's. */
static int take_key(struct keys *k)
{
	int key = free_key(k);

	return key > 0 ? key : evict_lru(k);
}

/* Tag u's pages with `key` (free, in no one's pages) and give it to u. On
 * failure u is re-tagged to the parking key (key free again), or if that
 * fails too it is stuck with the key (mark_stuck). */
static int give(struct keys *k, struct keys_user *u, int key)
{
	int rc = u->retag(u->owner, key);

	if (rc == 0) {
		k->holder[key] = u;
		atomic_store(&u->last_use, next_tick(k));
		atomic_store(&u->key, key); /* only now: the pages carry it */
		return 0;
	}
	k->retag_failures++;
	if (u->retag(u->owner, k->parking_key))
		mark_stuck(k, u, key);
	return rc;
}

/* --- register and unregister --- */

static void link_user(struct keys *k, struct keys_user *u)
{
	u->prev = NULL;
	u->next = k->users;
	if (k->users)
		k->users->prev = u;
	k->users = u;
	u->registered = 1;
	k->nusers++;
}

static void unlink_user(struct keys *k, struct keys_user *u)
{
	if (u->prev)
		u->prev->next = u->next;
	else
		k->users = u->next;
	if (u->next)
		u->next->prev = u->prev;
	u->prev = u->next = NULL;
	u->registered = 0;
	k->nusers--;
}

static void reset_user(struct keys *k, struct keys_user *u, void *owner,
		       keys_retag_fn retag)
{
	u->owner = owner;
	u->retag = retag;
	atomic_init(&u->key, k->parking_key);
	atomic_init(&u->inflight, 0);
	atomic_init(&u->evicting, 0);
	atomic_init(&u->last_use, 0);
	u->error = 0;
	u->stuck_key = 0;
	u->registered = 0;
	u->prev = u->next = NULL;
}

/* Under the lock: u's pages to a key of its own, else to parking. */
static int tag_new(struct keys *k, struct keys_user *u)
{
	int key = take_key(k), rc;

	if (key > 0) {
		rc = give(k, u, key);
		if (rc == 0 || !u->stuck_key)
			return 0; /* a key, or parked after all */
		k->holder[key] = NULL; /* not registered: withheld for good */
		k->lost[key] = 1;
		return rc;
	}
	/* none to be had: start parked (pages carried no one's key) */
	rc = u->retag(u->owner, k->parking_key);
	if (rc)
		k->retag_failures++;
	return rc;
}

int keys_register(struct keys *k, struct keys_user *u, void *owner, keys_retag_fn retag)
{
	int rc;

	if (!k || !u || !retag)
		return -EINVAL;
	reset_user(k, u, owner, retag);
	pthread_mutex_lock(&k->lock);
	rc = tag_new(k, u);
	if (rc == 0)
		link_user(k, u);
	pthread_mutex_unlock(&k->lock);
	return rc;
}

static int unregister(struct keys *k, struct keys_user *u, int reachable)
{
	int key, rc = 0;

	pthread_mutex_lock(&k->lock);
	if (!u->registered || atomic_load(&u->inflight)) {
		pthread_mutex_unlock(&k->lock);
		return u->registered ? -EBUSY : -EINVAL;
	}
	unlink_user(k, u);
	key = u->stuck_key ? u->stuck_key : atomic_load(&u->key);
	if (key != k->parking_key) {
		/* its pages carry the key until unmapped: park them first,
		 * unless no one can reach them any more */
		if (reachable || u->stuck_key)
			rc = u->retag(u->owner, k->parking_key);
		k->holder[key] = NULL;
		if (rc) {
			k->retag_failures++;
			k->lost[key] = 1;
		}
	}
	u->stuck_key = 0;
	atomic_store(&u->key, k->parking_key);
	pthread_mutex_unlock(&k->lock);
	return rc;
}

int keys_unregister(struct keys *k, struct keys_user *u)
{
	return unregister(k, u, 1);
}

int keys_unregister_unreachable(struct keys *k, struct keys_user *u)
{
	return unregister(k, u, 0);
}

/* --- enter and leave --- */

/* Under the lock, with the call counted (so no one evicts u meanwhile). */
static int acquire(struct keys *k, struct keys_user *u)
{
	int key, rc;

	if (!u->registered)
		return -EINVAL;
	if (u->error)
		return u->error;
	key = atomic_load(&u->key);
	if (key != k->parking_key)
		return key; /* an eviction backed off, or another thread won */
	key = take_key(k);
	if (key == -EBUSY)
		k->busy++;
	if (key < 0)
		return key;
	rc = give(k, u, key);
	return rc ? rc : key;
}

static int enter_slow(struct keys *k, struct keys_user *u)
{
	int key;

	pthread_mutex_lock(&k->lock);
	key = acquire(k, u);
	pthread_mutex_unlock(&k->lock);
	if (key < 0)
		atomic_fetch_sub(&u->inflight, 1);
	return key;
}

int keys_enter(struct keys *k, struct keys_user *u)
{
	int key;

	/* count first, then look: the enterer's half of the protocol */
	atomic_fetch_add(&u->inflight, 1);
	if (!atomic_load(&u->evicting)) {
		key = atomic_load(&u->key);
		if (key > 0 && key != k->parking_key)
			return key;
	}
	return enter_slow(k, u);
}

void keys_leave(struct keys *k, struct keys_user *u)
{
	atomic_store_explicit(&u->last_use, next_tick(k), memory_order_relaxed);
	atomic_fetch_sub(&u->inflight, 1);
}

/* --- statistics and the debug check --- */

void keys_get_stats(struct keys *k, struct keys_stats *st)
{
	unsigned i;

	pthread_mutex_lock(&k->lock);
	st->domain_keys = k->nkeys;
	st->free_keys = 0;
	st->lost = 0;
	for (i = 0; i < k->nkeys; i++) {
		st->lost += k->lost[k->dkey[i]];
		st->free_keys += !k->holder[k->dkey[i]] && !k->lost[k->dkey[i]];
	}
	st->users = k->nusers;
	st->evictions = k->evictions;
	st->busy = k->busy;
	st->retag_failures = k->retag_failures;
	pthread_mutex_unlock(&k->lock);
}

static int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int is_domain_key(const struct keys *k, int key)
{
	unsigned i;

	for (i = 0; i < k->nkeys; i++)
		if (k->dkey[i] == key)
			return 1;
	return 0;
}

static int check_user(const struct keys *k, const struct keys_user *u,
		      unsigned *seen, char *why, size_t len)
{
	int key = atomic_load(&u->key);

	if (!u->registered)
		return fail(why, len, "listed user %p not registered", u->owner);
	if (u->stuck_key) {
		if (key != k->parking_key || !u->error || k->holder[u->stuck_key] != u)
			return fail(why, len, "stuck user %p: key %d, error %d",
				    u->owner, key, u->error);
		key = u->stuck_key;
	} else if (key == k->parking_key) {
		return 0;
	} else if (!is_domain_key(k, key) || k->holder[key] != u) {
		return fail(why, len, "user %p holds key %d, table says %p", u->owner,
			    key, valid_key(key) ? (void *)k->holder[key] : NULL);
	}
	if (*seen & 1u << key)
		return fail(why, len, "key %d held twice", key);
	*seen |= 1u << key;
	return 0;
}

static int check_locked(const struct keys *k, char *why, size_t len)
{
	const struct keys_user *u;
	unsigned seen = 0, held = 0, n = 0, i;

	if (k->switch_key == k->parking_key || is_domain_key(k, k->switch_key) ||
	    is_domain_key(k, k->parking_key))
		return fail(why, len, "switch/parking key among the domain keys");
	for (u = k->users; u; u = u->next, n++)
		if (check_user(k, u, &seen, why, len))
			return -1;
	if (n != k->nusers)
		return fail(why, len, "%u users listed, %u counted", n, k->nusers);
	for (i = 0; i < k->nkeys; i++) {
		if (k->holder[k->dkey[i]])
			held |= 1u << k->dkey[i];
		if (k->holder[k->dkey[i]] && k->lost[k->dkey[i]])
			return fail(why, len, "lost key %d has a holder", k->dkey[i]);
	}
	if (held != seen)
		return fail(why, len, "table holders 0x%x, users hold 0x%x", held, seen);
	return 0;
}

int keys_check_invariants(struct keys *k, char *why, size_t len)
{
	int rc;

	pthread_mutex_lock(&k->lock);
	rc = check_locked(k, why, len);
	pthread_mutex_unlock(&k->lock);
	if (rc == 0 && why && len)
		why[0] = 0;
	return rc;
}
