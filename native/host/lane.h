/*
 * The lane handshake, one implementation for both ends of the process
 * channel: cordon-host's and cordon-jni-host's workers, and the JNI shim
 * in the JVM (the Java side's HostSlot speaks the same protocol).
 *
 * A side that waits spins first (a round trip between two running threads
 * costs a few hundred ns, a futex wake-up tens of us on a busy VM), then
 * announces itself in its `waiting` word and sleeps on the state word. The
 * side that moves the state wakes it only when the peer's word says so;
 * both pairs are seq_cst, so neither misses the other (Dekker).
 */
#ifndef CORDON_HOST_LANE_H
#define CORDON_HOST_LANE_H

#include <stdint.h>

/*
 * Spin this long before sleeping: a little above what the other side does
 * between two steps of a JNI call (serving a callback, or the JVM's own
 * work between two calls), so that a busy lane never sleeps.
 */
#define LANE_SPIN_NS 30000L

long lane_now_ns(void); /* CLOCK_MONOTONIC */

/*
 * Waits while *state == from; returns the new state, or `from` once
 * deadline_ns (lane_now_ns time, 0: none) has passed. Sleeps at most
 * 100 ms at a time, so that a lost wake-up costs little.
 */
uint32_t lane_await(uint32_t *state, uint32_t *waiting, uint32_t from, long spin_ns, long deadline_ns);

/* Wakes whoever sleeps on the state word (after a store of its own, e.g. a CAS). */
void lane_wake(uint32_t *state);

/* Stores `to` and wakes the peer if it sleeps (its `peer_waiting` word). */
void lane_publish(uint32_t *state, const uint32_t *peer_waiting, uint32_t to);

#endif
