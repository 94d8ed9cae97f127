package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.DomainTimeoutException;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The lanes of a sandbox, one per thread the policy allows; a caller beyond
 * that waits for a free one, so threads=1 serialises calls.
 *
 * <p>Last in, first out: the lane used most recently is taken again, so its
 * host worker is still spinning and the others can sleep. Round-robin would
 * keep every worker awake and, with more workers than cores, starve them all.
 */
public final class LanePool<L extends Lane> {
    private final LinkedBlockingDeque<L> free;

    public LanePool(List<L> lanes) {
        free = new LinkedBlockingDeque<>(lanes);
    }

    public L acquire(long deadlineNanos, String domain) {
        L lane = free.pollFirst();
        if (lane != null) {
            return lane;
        }
        try {
            lane = free.pollFirst(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lane == null) {
            throw new DomainTimeoutException(domain + ": no free thread in the domain before the deadline");
        }
        return lane;
    }

    public void release(L lane) {
        free.offerFirst(lane);
    }

    /** Waits until no lane is in use, at most {@code nanos}; true if none is. */
    public boolean awaitIdle(int lanes, long nanos) {
        long until = System.nanoTime() + nanos;
        while (free.size() < lanes) {
            if (System.nanoTime() > until) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return true;
    }
}
