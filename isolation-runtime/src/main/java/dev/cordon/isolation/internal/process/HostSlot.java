package dev.cordon.isolation.internal.process;

import static dev.cordon.isolation.internal.process.ChannelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.internal.backend.Lane;
import dev.cordon.isolation.internal.nativelib.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One slot of the channel: the lane of one calling thread into cordon-host.
 *
 * <p>Hot path. A call costs two cache-line transfers when both sides spin,
 * plus a futex wake and wait when the other side has gone to sleep. The
 * Dekker-style pairs (state, host_waiting) and (state, caller_waiting) are
 * both written and read with volatile (sequentially consistent) access, so
 * at least one side sees the other's write and no wake-up is lost.
 */
final class HostSlot implements Lane {
    /** Spin this long before sleeping: a little above the host's work-free round trip. */
    private static final long SPIN_NANOS = 30_000;
    /** Sleep at most this long at a time, so a lost wake-up costs little. */
    private static final long MAX_SLEEP_NANOS = 100_000_000;

    private final HostProcess host;
    private final MemorySegment slot;
    private final MemorySegment state;
    private final MemorySegment arena;
    private final MemorySegment timespec;

    HostSlot(HostProcess host, MemorySegment slot, Arena arenaForTimespec) {
        this.host = host;
        this.slot = slot;
        this.state = slot.asSlice(S_STATE, 4);
        this.arena = slot.asSlice(SLOT_HEAD);
        this.timespec = arenaForTimespec.allocate(16, 8);
    }

    @Override
    public MemorySegment arena() {
        return arena;
    }

    @Override
    public long call(int fn, long[] args, int arenaMask, long timeoutNanos) {
        try {
            return callOnce(fn, args, arenaMask, timeoutNanos);
        } catch (IllegalStateException unmapped) {
            throw host.failure();
        }
    }

    private long callOnce(int fn, long[] args, int arenaMask, long timeoutNanos) {
        slot.set(JAVA_INT, S_OP, OP_CALL);
        slot.set(JAVA_INT, S_FN, fn);
        slot.set(JAVA_INT, S_PTR_MASK, arenaMask);
        for (int i = 0; i < args.length; i++) {
            slot.set(JAVA_LONG, S_ARGS + 8L * i, args[i]);
        }
        roundTrip(timeoutNanos);
        int status = slot.get(JAVA_INT, S_STATUS);
        long result = slot.get(JAVA_LONG, S_RESULT);
        release();
        if (status != STATUS_OK) {
            // the JVM sends only resolved functions and offsets inside the arena
            throw host.broken("it refused a call the JVM had checked: " + statusName(status));
        }
        return result;
    }

    /** OP_RESOLVE: the function index of {@code symbol}, or -1. */
    int resolve(String symbol, long timeoutNanos) {
        try {
            return resolveOnce(symbol, timeoutNanos);
        } catch (IllegalStateException unmapped) {
            throw host.failure();
        }
    }

    private int resolveOnce(String symbol, long timeoutNanos) {
        byte[] name = symbol.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (name.length + 1 > arena.byteSize()) {
            return -1;
        }
        MemorySegment.copy(name, 0, arena, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, name.length);
        arena.set(java.lang.foreign.ValueLayout.JAVA_BYTE, name.length, (byte) 0);
        slot.set(JAVA_INT, S_OP, OP_RESOLVE);
        slot.set(JAVA_INT, S_PTR_MASK, 0);
        roundTrip(timeoutNanos);
        int status = slot.get(JAVA_INT, S_STATUS);
        long result = slot.get(JAVA_LONG, S_RESULT);
        release();
        if (status == STATUS_NO_SYMBOL) {
            return -1;
        }
        if (status != STATUS_OK || result < 0 || result >= MAX_FUNCTIONS) {
            throw host.broken("its answer to resolve(" + symbol + ") was " + statusName(status) + ", " + result);
        }
        return (int) result;
    }

    /** DONE -> IDLE; never over a DEAD the reaper wrote meanwhile. */
    private void release() {
        INT.compareAndSet(slot, S_STATE, SLOT_DONE, SLOT_IDLE);
    }

    /** Marks the slot dead and wakes its caller; used once the host is gone. */
    void markDead() {
        INT.setVolatile(slot, S_STATE, SLOT_DEAD);
        Libc.futexWake(state);
    }

    private void roundTrip(long timeoutNanos) {
        // CONCURRENCY: publish the request, then look for a sleeping host.
        if (!INT.compareAndSet(slot, S_STATE, SLOT_IDLE, SLOT_REQUEST)) {
            throw unexpected((int) INT.getVolatile(slot, S_STATE), "idle");
        }
        if ((int) INT.getVolatile(slot, S_HOST_WAITING) != 0) {
            Libc.futexWake(state);
        }
        long start = System.nanoTime();
        int s = spin(start);
        while (s == SLOT_REQUEST) {
            long remaining = start + timeoutNanos - System.nanoTime();
            if (remaining <= 0) {
                throw host.deadlinePassed();
            }
            sleep(Math.min(remaining, MAX_SLEEP_NANOS));
            s = (int) INT.getVolatile(slot, S_STATE);
        }
        if (s != SLOT_DONE) {
            throw unexpected(s, "done");
        }
    }

    /** DEAD is the JVM's word for a host that is gone; any other surprise is the host's doing. */
    private DomainFailedException unexpected(int s, String wanted) {
        return host.broken("slot state " + s + " where the protocol has it " + wanted);
    }

    private int spin(long start) {
        long until = start + SPIN_NANOS;
        int s;
        int n = 0;
        while ((s = (int) INT.getVolatile(slot, S_STATE)) == SLOT_REQUEST) {
            if ((++n & 63) == 0 && System.nanoTime() > until) {
                break;
            }
            Thread.onSpinWait();
        }
        return s;
    }

    private void sleep(long nanos) {
        timespec.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
        timespec.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
        INT.setVolatile(slot, S_CALLER_WAITING, 1);
        if ((int) INT.getVolatile(slot, S_STATE) == SLOT_REQUEST) {
            Libc.futexWait(state, SLOT_REQUEST, timespec);
        }
        INT.setVolatile(slot, S_CALLER_WAITING, 0);
    }

    static DomainFailedException dead(String name, String reason) {
        return new DomainFailedException(name + ": domain ended: " + reason);
    }
}
