package dev.cordon.isolation.internal.mpk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.DomainTimeoutException;
import dev.cordon.isolation.internal.backend.IdleLane;
import dev.cordon.isolation.internal.backend.LanePool;
import dev.cordon.isolation.internal.nativelib.MpkLibrary;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The parts of MpkSandbox that need no protection keys: lane hand-out and the retry on CALL_BUSY. */
class MpkSandboxTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aFailedAttach_GivesTheLaneBack_SoThreadsOneStaysUsable() {
        IdleLane only = new IdleLane();
        LanePool<IdleLane> lanes = new LanePool<>(List.of(only));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MpkSandbox.acquireAttached(lanes, SECOND, "d", () -> {
                    throw new IllegalStateException("cordon_mpk_attach failed: error -12");
                }));
        assertEquals("cordon_mpk_attach failed: error -12", e.getMessage());
        // the one lane must be free again: a leak would time out here
        assertSame(only, MpkSandbox.acquireAttached(lanes, TimeUnit.MILLISECONDS.toNanos(100), "d", () -> { }));
    }

    @Test
    void busy_IsRetried_UntilAKeyComesFree() {
        AtomicInteger calls = new AtomicInteger();
        int status = MpkSandbox.callUntilKeyFree(
                () -> calls.incrementAndGet() < 3 ? MpkLibrary.CALL_BUSY : MpkLibrary.CALL_OK, SECOND, "d");
        assertEquals(MpkLibrary.CALL_OK, status);
        assertEquals(3, calls.get());
    }

    @Test
    void busy_PastTheDeadline_IsATimeout_NamingTheKeys() {
        AtomicInteger calls = new AtomicInteger();
        DomainTimeoutException e = assertThrows(DomainTimeoutException.class, () -> MpkSandbox.callUntilKeyFree(
                () -> {
                    calls.incrementAndGet();
                    return MpkLibrary.CALL_BUSY;
                }, TimeUnit.MILLISECONDS.toNanos(5), "d"));
        assertTrue(e.getMessage().contains("no protection key came free"), e.getMessage());
        assertTrue(calls.get() >= 2, "retried " + calls.get() + " times");
    }

    @Test
    void otherStatuses_AreReturnedAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        int status = MpkSandbox.callUntilKeyFree(() -> {
            calls.incrementAndGet();
            return MpkLibrary.CALL_FAULT;
        }, SECOND, "d");
        assertEquals(MpkLibrary.CALL_FAULT, status);
        assertEquals(1, calls.get());
    }
}
