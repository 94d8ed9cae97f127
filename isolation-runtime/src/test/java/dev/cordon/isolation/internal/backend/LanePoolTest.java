package dev.cordon.isolation.internal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LanePoolTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** A lane that counts who holds it. */
    static final class CountedLane extends IdleLane {
        final AtomicInteger holders = new AtomicInteger();
    }

    private static List<CountedLane> lanes(int n) {
        List<CountedLane> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new CountedLane());
        }
        return list;
    }

    /** A caller that asked for a lane and is still waiting for one 100 ms later. */
    private static CompletableFuture<CountedLane> waiting(LanePool<CountedLane> pool, long timeoutNanos)
            throws InterruptedException {
        CompletableFuture<CountedLane> waiter = CompletableFuture.supplyAsync(() -> pool.acquire(timeoutNanos, "d"));
        Thread.sleep(100);
        assertFalse(waiter.isDone());
        return waiter;
    }

    @Test
    void theLowestFreeLaneIsTakenFirst() {
        List<CountedLane> lanes = lanes(3);
        LanePool<CountedLane> pool = new LanePool<>(lanes);
        CountedLane a = pool.acquire(SECOND, "d");
        CountedLane b = pool.acquire(SECOND, "d");
        assertSame(lanes.get(0), a);
        assertSame(lanes.get(1), b);
        pool.release(a);
        assertSame(lanes.get(0), pool.acquire(SECOND, "d"));
        assertSame(lanes.get(2), pool.acquire(SECOND, "d"));
    }

    @Test
    void sixtyFourLanesAreDistinct_AndASixtyFifthCallerTimesOut() {
        LanePool<CountedLane> pool = new LanePool<>(lanes(LanePool.MAX_LANES));
        Set<CountedLane> taken = new HashSet<>();
        for (int i = 0; i < LanePool.MAX_LANES; i++) {
            assertTrue(taken.add(pool.acquire(SECOND, "d")));
        }
        long start = System.nanoTime();
        DomainTimeoutException e = assertThrows(DomainTimeoutException.class,
                () -> pool.acquire(TimeUnit.MILLISECONDS.toNanos(50), "d"));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
        assertTrue(e.getMessage().startsWith("d: no free thread"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LanePool<>(lanes(LanePool.MAX_LANES + 1)));
        assertThrows(IllegalArgumentException.class, () -> new LanePool<>(lanes(0)));
    }

    @Test
    void aCallerBeyondTheLanesGetsTheNextOneReturned() throws Exception {
        LanePool<CountedLane> pool = new LanePool<>(lanes(1));
        CountedLane only = pool.acquire(SECOND, "d");
        CompletableFuture<CountedLane> waiter = waiting(pool, 10 * SECOND);
        pool.release(only);
        assertSame(only, waiter.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aClosedPoolHandsOutNoLane_AndItsWaitersFailAtOnce() throws Exception {
        LanePool<CountedLane> pool = new LanePool<>(lanes(1));
        CountedLane only = pool.acquire(SECOND, "d");
        CompletableFuture<CountedLane> waiter = waiting(pool, 60 * SECOND);
        pool.close();
        Exception e = assertThrows(Exception.class, () -> waiter.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof DomainFailedException, e.toString());
        assertFalse(pool.awaitIdle(TimeUnit.MILLISECONDS.toNanos(50)));
        pool.release(only);
        assertTrue(pool.awaitIdle(SECOND));
        assertThrows(DomainFailedException.class, () -> pool.acquire(SECOND, "d"));
    }

    @Test
    void noTwoCallersEverHoldOneLane() throws Exception {
        List<CountedLane> lanes = lanes(3);
        LanePool<CountedLane> pool = new LanePool<>(lanes);
        AtomicReference<String> broken = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    CountedLane lane = pool.acquire(10 * SECOND, "d");
                    if (lane.holders.incrementAndGet() != 1) {
                        broken.set("two holders of lane " + lanes.indexOf(lane));
                    }
                    Thread.onSpinWait();
                    lane.holders.decrementAndGet();
                    pool.release(lane);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(null, broken.get());
        assertTrue(pool.awaitIdle(0));
    }

    /** Once close and awaitIdle have returned, no caller holds a lane or gets one: the sandbox may free its memory. */
    @Test
    void afterCloseAndAwaitIdle_NoCallerHoldsOrGetsALane() throws Exception {
        for (int round = 0; round < 20; round++) {
            LanePool<CountedLane> pool = new LanePool<>(lanes(2));
            AtomicBoolean freed = new AtomicBoolean();
            AtomicReference<String> broken = new AtomicReference<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        CountedLane lane;
                        try {
                            lane = pool.acquire(SECOND, "d");
                        } catch (DomainFailedException ended) {
                            continue;
                        }
                        if (freed.get()) {
                            broken.set("a lane handed out after the pool was closed and idle");
                        }
                        pool.release(lane);
                    }
                }));
            }
            Thread.sleep(5);
            pool.close();
            assertTrue(pool.awaitIdle(5 * SECOND));
            freed.set(true);
            Thread.sleep(5);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(null, broken.get());
        }
    }
}
