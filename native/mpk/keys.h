/*
 * Key virtualisation: more live domains than the CPU has protection keys.
 *
 * A CPU has 16 keys; 0 is every untagged page's, and Cordon takes two for
 * itself: the switch key (the gate's per-thread switch pages: domains may
 * read them, not write) and the parking key (no domain's PKRU ever opens
 * it). The rest, 13 where the kernel gives 15, are domain keys.
 *
 * A domain holds a domain key while a call is in flight; an idle domain's
 * key may be taken back: its pages are re-tagged to the parking key and the
 * key goes to the domain that needs it, least recently used first, as
 * libmpk does. A parked domain's memory cannot be reached by any domain; it
 * gets a key again (its pages re-tagged) when it is next entered.
 *
 * When every key is held by a domain with a call in flight, keys_enter
 * fails with -EBUSY: the caller waits or fails the call, never shares.
 * No two live domains ever hold the same key (keys_check_invariants).
 *
 * Thread safety: keys_enter/keys_leave from any number of threads, on the
 * same or different domains; keys_enter is lock-free while the domain
 * holds its key. Register/unregister may run concurrently with both.
 */
#ifndef CORDON_MPK_KEYS_H
#define CORDON_MPK_KEYS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Re-tag all of a domain's memory with `key`, keeping each range's
 * protection. Returns 0 or -errno. Supplied by the domain. Called with the
 * keys lock held (it must not call back into keys_*), never while one of
 * the domain's calls is in flight. On failure some ranges may carry the new
 * key and some the old one: keys.c then re-tags to the parking key.
 */
typedef int (*keys_retag_fn)(void *owner, int key);

/* One domain's entry; the domain embeds it and keeps it in place while it
 * is registered. Its fields are keys.c's: read them only in tests. */
struct keys_user {
	void *owner;
	keys_retag_fn retag;
	_Atomic int key;           /* its domain key, or the parking key */
	_Atomic unsigned inflight; /* calls counted by keys_enter now */
	_Atomic int evicting;      /* its key is being taken back */
	_Atomic uint64_t last_use; /* keys tick of its last leave */
	int error;      /* 0, or why it is unusable (-EIO: see keys.c) */
	int stuck_key;  /* 0, or a key its pages may still partly carry */
	int registered;
	struct keys_user *prev, *next; /* every registered user */
};

/* The key allocator: the kernel's (pkey_alloc/pkey_free) for keys_init,
 * a fake one in tests. alloc returns a key in 1..15 or -errno. */
struct keys_ops {
	int (*alloc)(void *ctx);
	void (*free)(void *ctx, int key);
	void *ctx;
};

/* The process's keys. Tests make their own with a fake allocator. */
struct keys;

/* Allocate the switch key, the parking key, then up to `max_keys` domain
 * keys (fewer if the kernel has fewer; at least one, else it fails and
 * frees what it took). 0 or -errno (-EINVAL: no PKU; -ENOSPC: too few
 * keys); *out is NULL on failure. The calling thread's PKRU gets every
 * key open (pkey_alloc with no rights withheld). */
int keys_init(struct keys **out, unsigned max_keys);
int keys_init_ops(struct keys **out, unsigned max_keys, const struct keys_ops *ops);
/* Frees the keys; every user must be unregistered first. NULL: nothing. */
void keys_fini(struct keys *k);
int keys_switch_key(const struct keys *k);
int keys_parking_key(const struct keys *k);
unsigned keys_domain_keys(const struct keys *k);

/*
 * Register a new domain. Its pages may carry any key no other domain holds
 * (key 0, as mmap leaves them, or the parking key). It gets a free key, or
 * one taken back from the least recently used idle domain, and its pages
 * are re-tagged to it; else it starts parked (pages re-tagged to the
 * parking key). 0, or -errno if its pages could not be tagged (then it is
 * not registered; if they were left partly tagged with a domain key, that
 * key is withheld for good, counted in keys_stats.lost).
 */
int keys_register(struct keys *k, struct keys_user *u, void *owner, keys_retag_fn retag);

/*
 * Unregister, with no call in flight. Its pages are re-tagged to the
 * parking key (unregister comes before unmap: a key freed while pages
 * still carry it would open them to its next holder), then its key goes
 * back to the free set. 0, or the retag's -errno: then the key is withheld
 * for good (stats.lost); u is unregistered either way and the caller
 * unmaps as usual. -EBUSY (nothing done) while a call is still counted,
 * -EINVAL if u is not registered.
 */
int keys_unregister(struct keys *k, struct keys_user *u);

/*
 * The same for a domain whose pages no one can reach any more: unmapped,
 * or all PROT_NONE (a kept region, gate/warm.c, which gets its rights back
 * only through keys_register's retag). Its key goes back to the free set
 * without the re-tag to the parking key (still done if a failed retag left
 * its pages with two keys).
 */
int keys_unregister_unreachable(struct keys *k, struct keys_user *u);

/*
 * Before a call: make sure u holds a key (re-tagging as needed) and count
 * the call. Returns the key, or: -EBUSY (every key held by a domain with a
 * call in flight), -errno of a failed retag (u stays parked), -EIO (u is
 * unusable: a retag failed and so did the way back), -EINVAL (not
 * registered). keys_leave only after a key was returned.
 */
int keys_enter(struct keys *k, struct keys_user *u);
/* After the call (also after an aborted one). Lock-free. */
void keys_leave(struct keys *k, struct keys_user *u);

struct keys_stats {
	unsigned domain_keys; /* allocated for domains */
	unsigned free_keys;   /* held by no one */
	unsigned lost;        /* withheld for good after failed retags */
	unsigned users;       /* registered */
	uint64_t evictions;   /* keys taken back from idle domains */
	uint64_t busy;        /* keys_enter calls that got -EBUSY */
	uint64_t retag_failures;
};
void keys_get_stats(struct keys *k, struct keys_stats *st);

/* Debug check: every non-parked user holds a distinct domain key that the
 * table says is its, and the table agrees. 0 if so; else -1 and why. */
int keys_check_invariants(struct keys *k, char *why, size_t len);

#endif
