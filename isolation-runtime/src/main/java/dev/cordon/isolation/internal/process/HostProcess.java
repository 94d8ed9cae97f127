package dev.cordon.isolation.internal.process;

import static dev.cordon.isolation.internal.process.ChannelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainTimeoutException;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Lane;
import dev.cordon.isolation.internal.backend.LanePool;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.nativelib.ChildProcesses;
import dev.cordon.isolation.internal.nativelib.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A domain served by one cordon-host process over a shared-memory channel.
 * The {@link HostReaper} waits for the process; when it exits for any reason,
 * every slot is marked dead so that waiting callers wake up and fail.
 */
final class HostProcess implements Sandbox {
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** One thread, ended when idle (as the reaper: see {@link HostReaper}). */
    static final ThreadPoolExecutor UNMAPPER = new ThreadPoolExecutor(0, 1,
            HostReaper.IDLE_MILLIS, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            Thread.ofPlatform().daemon().name("cordon-unmapper").factory());

    private final DomainSpec spec;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment channel;
    private final List<HostSlot> slots = new ArrayList<>();
    private final LanePool<HostSlot> lanes;
    private final int pid;
    /**
     * The host's own pidfd, for kills: a kill by pid just after the reaper's
     * waitpid, before {@link #reaped} counts down, could reach a process that has
     * taken the pid since. -1 where pidfds are missing (Linux before 5.3), where
     * that window remains. CONCURRENCY: guarded by itself; closed once, last.
     */
    private final int[] killHandle = {-1};
    private final long memoryBytes;
    private final AtomicReference<String> deathReason = new AtomicReference<>();
    private final CountDownLatch reaped = new CountDownLatch(1);
    private volatile boolean closing;

    HostProcess(ProcessBackend backend, DomainSpec spec) throws DomainStartException {
        this.spec = spec;
        long arenaBytes = spec.policy().arenaBytes();
        int nslots = spec.policy().threads();
        long stride = pageAlign(SLOT_HEAD + arenaBytes);
        long imageOffset = PAGE;
        long slotsOffset = imageOffset + pageAlign(spec.image().length);
        long size = slotsOffset + stride * nslots;
        this.memoryBytes = spec.policy().memoryBytes() + stride * nslots;
        int fd = -1;
        try {
            fd = Libc.memfdCreate("cordon:" + spec.name());
            Libc.ftruncate(fd, size);
            Libc.sealSize(fd); // a host that could shrink the channel could crash the JVM
            // Scoped to the shared arena: once it is closed, a caller still holding a slot gets
            // IllegalStateException instead of touching unmapped memory. Closing unmaps.
            channel = Libc.mmap(size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd)
                    .reinterpret(arena, Libc::munmap);
            // spawn first: the host's exec overlaps our copying of the image, and it
            // waits for the header's version word, which writeHeader stores last
            pid = backend.library().spawnHost(backend.hostBinary(), hostArguments(size), fd);
            killHandle[0] = ChildProcesses.pidfdOpen(pid); // a child not yet reaped: its pid is still its own
            writeHeader(nslots, stride, slotsOffset, imageOffset);
        } catch (IOException e) {
            if (fd >= 0) {
                Libc.close(fd);
            }
            arena.close();
            throw new DomainStartException(spec.name() + ": " + e.getMessage(), e);
        }
        Libc.close(fd); // the host has its own copy as fd 3
        for (int i = 0; i < nslots; i++) {
            slots.add(new HostSlot(this, channel.asSlice(slotsOffset + stride * i, stride), arena));
        }
        lanes = new LanePool<>(slots);
        HostReaper.watch(pid, spec.name(), this::exited);
        awaitReady();
    }

    private void writeHeader(int nslots, long stride, long slotsOffset, long imageOffset) {
        MemorySegment.copy(spec.image(), 0, channel, JAVA_BYTE, imageOffset, spec.image().length);
        channel.set(JAVA_LONG, H_MAGIC, MAGIC);
        channel.set(JAVA_INT, H_NSLOTS, nslots);
        channel.set(JAVA_LONG, H_SLOT_STRIDE, stride);
        channel.set(JAVA_LONG, H_SLOTS_OFFSET, slotsOffset);
        channel.set(JAVA_LONG, H_IMAGE_OFFSET, imageOffset);
        channel.set(JAVA_LONG, H_IMAGE_SIZE, spec.image().length);
        channel.set(JAVA_LONG, H_HEAP_SIZE, spec.policy().memoryBytes());
        for (int i = 0; i < nslots; i++) {
            channel.set(JAVA_LONG, slotsOffset + stride * i + S_ARENA_SIZE, stride - SLOT_HEAD);
        }
        INT.setVolatile(channel, H_HOST_STATE, HOST_STARTING);
        INT.setVolatile(channel, H_VERSION, VERSION); // publishes the header
        Libc.futexWake(channel.asSlice(H_VERSION, 4));
    }

    private List<String> hostArguments(long channelSize) {
        // The address-space limit covers the heap, the channel, the image twice
        // (bytes in the channel, mapped copy), a worker stack and signal stack
        // per thread, and the host's own few megabytes.
        long addressSpace = spec.policy().memoryBytes() + channelSize + 2L * spec.image().length
                + (4L << 20) * spec.policy().threads() + (64L << 20);
        List<String> args = new ArrayList<>(List.of(
                "--threads", Integer.toString(spec.policy().threads()),
                "--memory", Long.toString(addressSpace)));
        if (!spec.policy().allSyscalls()) {
            args.add("--syscalls");
            args.add(String.join(",", new java.util.TreeSet<>(spec.policy().syscalls())));
        }
        if (spec.policy().files()) {
            args.add("--data");
            args.add(spec.dataDir().toString());
        }
        return args;
    }

    private void awaitReady() throws DomainStartException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        MemorySegment word = channel.asSlice(H_HOST_STATE, 4);
        MemorySegment timespec = arena.allocate(16, 8);
        int state;
        while ((state = (int) INT.getVolatile(channel, H_HOST_STATE)) == HOST_STARTING && reaped.getCount() > 0) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                kill("cordon-host did not start within 10 s");
                break;
            }
            long nap = Math.min(remaining, 5_000_000);
            timespec.set(JAVA_LONG, 0, 0);
            timespec.set(JAVA_LONG, 8, nap);
            Libc.futexWait(word, HOST_STARTING, timespec);
        }
        if (state == HOST_READY && reaped.getCount() > 0) {
            return;
        }
        String why = state == HOST_FAILED ? hostError() : null;
        closing = true; // a start-up failure is reported by the exception, not as a death
        kill(why != null ? why : "cordon-host ended during start-up");
        awaitReaped();
        closeQuietly();
        throw new DomainStartException(spec.name() + ": " + (why != null ? why : deathReason.get()));
    }

    /** On the reaper thread, once the host has exited and been reaped. */
    private void exited(int status) {
        String reason = closing ? "stopped" : describeDeath(status);
        deathReason.compareAndSet(null, reason);
        try {
            wakeAll();
            Libc.futexWake(channel.asSlice(H_HOST_STATE, 4));
        } catch (IllegalStateException closed) {
            // the channel is already gone: nobody is waiting on it
        }
        reaped.countDown();
        if (!closing) {
            try {
                spec.onDeath().died(deathReason.get());
            } catch (RuntimeException e) {
                // the runtime is shutting down and no longer takes notice
            }
        }
    }

    /** The host's own account of a fault, read after it died; numbers only, it is untrusted. */
    private String describeDeath(int status) {
        if (!arena.scope().isAlive()) {
            return "cordon-host " + ChildProcesses.describeWaitStatus(status);
        }
        int signal = channel.get(JAVA_INT, H_FAULT_SIGNAL);
        if (signal > 0 && signal < 65) {
            return "native fault: " + Signals.name(signal) + " (code " + channel.get(JAVA_INT, H_FAULT_CODE)
                    + ") at address 0x" + Long.toHexString(channel.get(JAVA_LONG, H_FAULT_ADDRESS))
                    + ", ip 0x" + Long.toHexString(channel.get(JAVA_LONG, H_FAULT_IP));
        }
        return "cordon-host " + ChildProcesses.describeWaitStatus(status);
    }

    private String hostError() {
        byte[] raw = channel.asSlice(H_ERROR, ERROR_LEN).toArray(JAVA_BYTE);
        StringBuilder text = new StringBuilder();
        for (byte b : raw) {
            if (b == 0) {
                break;
            }
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return text.toString();
    }

    String name() {
        return spec.name();
    }

    DomainFailedException failure() {
        return HostSlot.dead(spec.name(), deathReason.get() != null ? deathReason.get() : "cordon-host is gone");
    }

    /**
     * The host wrote what the protocol does not allow: it is ended as a fault
     * would end it (the domain is reported failed and restarts per policy).
     * A reason already set means the JVM itself marked the slots dead.
     */
    DomainFailedException broken(String what) {
        if (deathReason.get() == null) {
            kill("cordon-host broke the channel protocol: " + what);
        }
        return failure();
    }

    DomainTimeoutException deadlinePassed() {
        String reason = "call exceeded the deadline of " + spec.policy().deadline().toMillis() + " ms";
        kill(reason);
        return new DomainTimeoutException(spec.name() + ": " + reason);
    }

    @Override
    public int resolve(String symbol) throws DomainStartException {
        HostSlot slot = lanes.acquire(START_TIMEOUT_NANOS, spec.name());
        try {
            return slot.resolve(symbol, START_TIMEOUT_NANOS);
        } catch (DomainFailedException e) {
            throw new DomainStartException(e.getMessage(), e);
        } finally {
            lanes.release(slot);
        }
    }

    @Override
    public Lane acquire(long timeoutNanos) {
        if (reaped.getCount() == 0) {
            throw failure();
        }
        return lanes.acquire(timeoutNanos, spec.name());
    }

    @Override
    public void release(Lane lane) {
        lanes.release((HostSlot) lane);
    }

    @Override
    public void kill(String reason) {
        deathReason.compareAndSet(null, reason);
        synchronized (killHandle) {
            if (killHandle[0] >= 0) {
                ChildProcesses.pidfdKill(killHandle[0], ChildProcesses.SIGKILL); // ESRCH once gone: harmless
            } else if (reaped.getCount() > 0) {
                ChildProcesses.kill(pid, ChildProcesses.SIGKILL);
            }
        }
    }

    private void closeKillHandle() {
        synchronized (killHandle) {
            if (killHandle[0] >= 0) {
                Libc.close(killHandle[0]);
                killHandle[0] = -2; // closed: never by pid again either, the host is reaped
            }
        }
    }

    @Override
    public long memoryBytes() {
        return memoryBytes;
    }

    int pid() {
        return pid;
    }

    /**
     * Lets calls in flight run up to {@code drainNanos}, then kills and reaps
     * the host; the JVM's mapping of the channel is released just after, off
     * the caller's path (closing a shared arena waits for a handshake with
     * every thread).
     */
    @Override
    public void close(long drainNanos) {
        closing = true;
        lanes.drain(drainNanos);
        kill("stopped");
        if (!HostReaper.reapHere(pid)) {
            awaitReaped();
        }
        closeKillHandle();
        UNMAPPER.execute(this::closeQuietly);
    }

    private void awaitReaped() {
        try {
            reaped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Unmaps the channel. CONCURRENCY: a shared arena refuses to close while a
     * thread is inside a downcall (a futex wait) on one of its segments; every
     * such thread wakes soon, since the host is dead and the slots say so.
     */
    private void closeQuietly() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (arena.scope().isAlive()) {
            try {
                arena.close();
            } catch (IllegalStateException busy) {
                if (System.nanoTime() > until) {
                    return; // leak the mapping rather than pull it from under a caller
                }
                wakeAll();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
    }

    private void wakeAll() {
        for (HostSlot slot : slots) {
            slot.markDead();
        }
    }
}
