package dev.cordon.isolation.internal.policy;

import java.time.Duration;

/**
 * A domain's policy, from the {@code Cordon-Domain} header.
 *
 * @param image        path of the domain image inside the bundle
 * @param backend      minimum backend
 * @param memoryBytes  the domain's heap
 * @param arenaBytes   argument area per thread: bounds the bytes one call may pass
 * @param deadline     longest a call may run before the domain is ended
 * @param threads      calls that may run in the domain at once (1: serialised)
 * @param restart      restart policy after a fault
 * @param maxRestarts  restarts allowed before the domain stays failed
 * @param files        whether the domain may open files under its data directory
 */
public record Policy(String image, BackendChoice backend, long memoryBytes, long arenaBytes,
        Duration deadline, int threads, RestartPolicy restart, int maxRestarts, boolean files) {

    public static final int MAX_THREADS = 64;
}
