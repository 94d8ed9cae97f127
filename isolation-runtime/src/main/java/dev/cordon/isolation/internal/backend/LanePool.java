package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.DomainTimeoutException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lanes of a sandbox, one per thread the policy allows; a caller beyond
 * that waits for a free one, so threads=1 serialises calls.
 */
public final class LanePool<L extends Lane> {
    private final ArrayBlockingQueue<L> free;

    public LanePool(List<L> lanes) {
        free = new ArrayBlockingQueue<>(lanes.size(), false, lanes);
    }

    public L acquire(long deadlineNanos, String domain) {
        L lane = free.poll();
        if (lane != null) {
            return lane;
        }
        try {
            lane = free.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lane == null) {
            throw new DomainTimeoutException(domain + ": no free thread in the domain before the deadline");
        }
        return lane;
    }

    public void release(L lane) {
        free.offer(lane);
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
