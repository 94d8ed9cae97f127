package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainTimeoutException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lanes of a sandbox, one per thread the policy allows; a caller beyond
 * that waits for a free one, so threads=1 serialises calls.
 *
 * <p>The free lanes are the bits of one word: taking one is a compare-and-set,
 * giving it back one atomic OR, and no lock is touched unless a caller waits.
 * The lowest free lane is taken first, so with few callers the same lanes are
 * used again: their host workers are still spinning and the others can sleep.
 * Round-robin would keep every worker awake and, with more workers than cores,
 * starve them all.
 *
 * <p>A closed pool hands out no lane, and {@link #awaitIdle} tells when every
 * lane is back: then a sandbox can free its memory with no call inside.
 */
public final class LanePool<L extends Lane> {
    public static final int MAX_LANES = 64;
    private static final VarHandle FREE;

    static {
        try {
            FREE = MethodHandles.lookup().findVarHandle(LanePool.class, "free", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<L> lanes;
    private final long all;
    /** Bit i set: lane i is free. */
    private volatile long free;
    private volatile boolean closed;
    /** Callers waiting for a lane; written under {@code lock}, read by {@link #release} without it. */
    private volatile int waiting;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();

    public LanePool(List<L> lanes) {
        if (lanes.isEmpty() || lanes.size() > MAX_LANES) {
            throw new IllegalArgumentException("1 to " + MAX_LANES + " lanes, not " + lanes.size());
        }
        this.lanes = List.copyOf(lanes);
        all = lanes.size() == MAX_LANES ? -1L : (1L << lanes.size()) - 1;
        free = all;
    }

    /**
     * A free lane, waiting for one at most {@code timeoutNanos}.
     *
     * @throws DomainTimeoutException if none came free in time
     * @throws DomainFailedException  if the pool is closed
     */
    public L acquire(long timeoutNanos, String domain) {
        L lane = tryAcquire(domain);
        return lane != null ? lane : awaitLane(timeoutNanos, domain);
    }

    private L tryAcquire(String domain) {
        long f;
        do {
            f = free;
            if (f == 0) {
                return null;
            }
        } while (!FREE.compareAndSet(this, f, f & (f - 1)));
        int index = Long.numberOfTrailingZeros(f);
        // CONCURRENCY: Dekker with close, then awaitIdle: closed is set before
        // free is read, so either that sees this lane taken or we see closed
        if (closed) {
            giveBack(index);
            throw ended(domain);
        }
        return lanes.get(index);
    }

    private static DomainFailedException ended(String domain) {
        return new DomainFailedException(domain + ": domain ended");
    }

    private L awaitLane(long timeoutNanos, String domain) {
        long until = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            waiting++;
            // CONCURRENCY: Dekker with release, which returns its lane, then reads waiting
            while (true) {
                L lane = tryAcquire(domain);
                if (lane != null) {
                    return lane;
                }
                if (closed) {
                    throw ended(domain);
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    throw new DomainTimeoutException(domain + ": no free thread in the domain before the deadline");
                }
                try {
                    returned.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DomainTimeoutException(domain + ": interrupted while waiting for a free thread");
                }
            }
        } finally {
            waiting--;
            lock.unlock();
        }
    }

    public void release(L lane) {
        for (int i = 0; i < lanes.size(); i++) {
            if (lanes.get(i) == lane) {
                giveBack(i);
                return;
            }
        }
        throw new IllegalArgumentException("not a lane of this pool: " + lane);
    }

    private void giveBack(int index) {
        FREE.getAndBitwiseOr(this, 1L << index);
        if (waiting != 0) {
            signal(false);
        }
    }

    private void signal(boolean everyone) {
        lock.lock();
        try {
            if (everyone) {
                returned.signalAll();
            } else {
                returned.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Hands out no more lanes; callers waiting for one fail. */
    public void close() {
        closed = true;
        signal(true);
    }

    /** Closes the pool, then waits for the lanes out, at most {@code nanos}; true if all are back. */
    public boolean drain(long nanos) {
        close();
        return awaitIdle(nanos);
    }

    /** Waits until every lane is back, at most {@code nanos}; true if all are. */
    public boolean awaitIdle(long nanos) {
        long until = System.nanoTime() + nanos;
        while (free != all) {
            if (System.nanoTime() - until > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
