package dev.cordon.isolation.internal.mpk;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainTimeoutException;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Lane;
import dev.cordon.isolation.internal.backend.LanePool;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.nativelib.Libc;
import dev.cordon.isolation.internal.nativelib.MpkLibrary;
import dev.cordon.isolation.internal.policy.Policy;
import dev.cordon.isolation.internal.policy.SyscallGroups;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/** One incarnation of a domain on the mpk or uswitch backend. */
final class MpkSandbox implements Sandbox {
    private static final long STACK_BYTES = 256 * 1024;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Threads known to be attached; virtual threads are attached on every call (their carrier may change). */
    private static final ThreadLocal<Boolean> ATTACHED = ThreadLocal.withInitial(() -> false);

    private final MpkLibrary library;
    private final DomainSpec spec;
    private final MemorySegment domain;
    private final int dataDirFd;
    /** Scope of the domain's memory as Java sees it: closed before the domain is destroyed. */
    private final Arena view = Arena.ofShared();
    /** The lanes' argument and result words (trusted memory). */
    private final Arena scratch = Arena.ofShared();
    private final LanePool<MpkLane> lanes;
    private final int laneCount;
    private final List<MemorySegment> functions = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> deathReason = new AtomicReference<>();
    private volatile boolean closing;

    MpkSandbox(MpkLibrary library, DomainSpec spec, int flags) throws DomainStartException {
        this.library = library;
        this.spec = spec;
        Policy policy = spec.policy();
        int fd = -1;
        try {
            if (spec.dataDir() != null) {
                fd = Libc.openDirectory(spec.dataDir());
            }
            // a uid on an mpk domain is refused by the native side: never dropped here
            long uid = spec.uid().orElse(0);
            domain = library.create(spec.image(), new MpkLibrary.Config(policy.memoryBytes(), policy.arenaBytes(),
                    STACK_BYTES, policy.threads(), fd, syscallGroups(policy),
                    flags | (spec.uid().isPresent() ? MpkLibrary.OWN_IDS : 0), uid, uid));
        } catch (IOException e) {
            if (fd >= 0) {
                Libc.close(fd);
            }
            view.close();
            scratch.close();
            throw new DomainStartException(spec.name() + ": " + e.getMessage(), e);
        }
        dataDirFd = fd;
        laneCount = policy.threads();
        List<MpkLane> list = new ArrayList<>();
        for (int i = 0; i < laneCount; i++) {
            MemorySegment area = library.arena(domain, i).reinterpret(policy.arenaBytes(), view, null);
            list.add(new MpkLane(i, area, scratch.allocate(JAVA_LONG, 7)));
        }
        lanes = new LanePool<>(list);
    }

    /** Whether the loader verified the image (cordon_mpk_verified). */
    boolean verified() {
        return library.verified(domain);
    }

    private static int syscallGroups(Policy policy) {
        return SyscallGroups.bits(policy.syscalls());
    }

    @Override
    public synchronized int resolve(String symbol) {
        MemorySegment address = library.symbol(domain, symbol);
        if (address.address() == 0) {
            return -1;
        }
        functions.add(address);
        return functions.size() - 1;
    }

    @Override
    public Lane acquire(long timeoutNanos) {
        String reason = deathReason.get();
        if (reason != null) {
            throw new DomainFailedException(spec.name() + ": domain ended: " + reason);
        }
        // the caller copies its arguments into the lane's arena next: this thread's
        // PKRU must open the domain's key before it touches that memory
        return acquireAttached(lanes, timeoutNanos, spec.name(), this::attachThisThread);
    }

    private void attachThisThread() {
        Thread self = Thread.currentThread();
        if (self.isVirtual() || !ATTACHED.get()) {
            library.attach();
            if (!self.isVirtual()) {
                ATTACHED.set(true);
            }
        }
    }

    /**
     * A lane, with this thread attached; if attaching fails the lane goes back
     * to the pool (the caller never sees it, so nobody else would return it).
     */
    static <L extends Lane> L acquireAttached(LanePool<L> lanes, long timeoutNanos, String name, Runnable attach) {
        L lane = lanes.acquire(timeoutNanos, name);
        try {
            attach.run();
        } catch (RuntimeException | Error e) {
            lanes.release(lane);
            throw e;
        }
        return lane;
    }

    @Override
    public void release(Lane lane) {
        lanes.release((MpkLane) lane);
    }

    @Override
    public void kill(String reason) {
        if (deathReason.compareAndSet(null, reason)) {
            library.kill(domain, reason);
            reportDeath(reason);
        }
    }

    /** The domain ended by itself (fault, deadline): recorded once, told once. */
    private String died() {
        String reason = library.reason(domain);
        if (reason.isEmpty()) {
            reason = "ended";
        }
        if (deathReason.compareAndSet(null, reason)) {
            reportDeath(reason);
        }
        return deathReason.get();
    }

    private void reportDeath(String reason) {
        if (closing) {
            return;
        }
        try {
            spec.onDeath().died(reason);
        } catch (RuntimeException e) {
            // the runtime is shutting down and no longer takes notice
        }
    }

    @Override
    public long memoryBytes() {
        return spec.policy().memoryBytes() + (spec.policy().arenaBytes() + STACK_BYTES) * laneCount;
    }

    /**
     * Lets calls in flight run up to {@code drainNanos}, interrupts those
     * left, waits for them to leave, then closes Java's view of the domain's
     * memory before the native side unmaps it.
     */
    @Override
    public void close(long drainNanos) {
        closing = true;
        lanes.drain(drainNanos);
        deathReason.compareAndSet(null, "stopped");
        library.kill(domain, "stopped");
        if (!lanes.awaitIdle(CLOSE_WAIT_NANOS)) {
            return; // a lane never came back: leave the domain mapped rather than pull memory from under it
        }
        view.close();
        library.destroy(domain);
        scratch.close();
        if (dataDirFd >= 0) {
            Libc.close(dataDirFd);
        }
    }

    /**
     * Makes the call, again while it answers {@link MpkLibrary#CALL_BUSY} (every
     * protection key is held by a domain with a call in flight), for at most
     * {@code timeoutNanos} of waiting; returns the first other status.
     */
    static int callUntilKeyFree(IntSupplier call, long timeoutNanos, String name) {
        long keyWaitStart = 0;
        boolean waitingForKey = false;
        while (true) {
            int status = call.getAsInt();
            if (status != MpkLibrary.CALL_BUSY) {
                return status;
            }
            long now = System.nanoTime();
            if (!waitingForKey) {
                waitingForKey = true;
                keyWaitStart = now;
            } else if (now - keyWaitStart > timeoutNanos) {
                throw new DomainTimeoutException(name + ": no protection key came free before the deadline");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    private final class MpkLane implements Lane {
        private final int index;
        private final MemorySegment area;
        /** words 0..5: the arguments; word 6: the result */
        private final MemorySegment words;
        private final MemorySegment result;

        MpkLane(int index, MemorySegment area, MemorySegment words) {
            this.index = index;
            this.area = area;
            this.words = words;
            this.result = words.asSlice(6 * JAVA_LONG.byteSize());
        }

        @Override
        public MemorySegment arena() {
            return area;
        }

        @Override
        public long call(int fn, long[] args, int arenaMask, long timeoutNanos) {
            long base = area.address();
            for (int i = 0; i < 6; i++) {
                words.setAtIndex(JAVA_LONG, i, Lane.argument(args, i, arenaMask, base));
            }
            MemorySegment target = functions.get(fn);
            int status = callUntilKeyFree(() -> library.call(domain, index, target, words, result, timeoutNanos),
                    timeoutNanos, spec.name());
            return switch (status) {
                case MpkLibrary.CALL_OK -> result.get(JAVA_LONG, 0);
                case MpkLibrary.CALL_TIMEOUT -> throw new DomainTimeoutException(spec.name() + ": " + died());
                case MpkLibrary.CALL_FAULT, MpkLibrary.CALL_DEAD ->
                        throw new DomainFailedException(spec.name() + ": domain ended: " + died());
                default -> throw new DomainFailedException(spec.name() + ": cordon_mpk_call failed: error " + status);
            };
        }
    }
}
