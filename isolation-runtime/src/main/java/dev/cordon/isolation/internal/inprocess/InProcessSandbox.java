package dev.cordon.isolation.internal.inprocess;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Lane;
import dev.cordon.isolation.internal.backend.LanePool;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.nativelib.Libc;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An image loaded into the JVM's own address space (no isolation, see InProcessBackend). */
final class InProcessSandbox implements Sandbox {
    private static final Linker LINKER = Linker.nativeLinker();
    /**
     * Every gated function, through libcordon's cordon_direct_call: six words
     * and the function in, one word out. A confined image's return may leave
     * it only to that call's return label (native/CONFINEMENT.md). Unbound
     * and constant, so that the JIT inlines the downcall.
     */
    private static final MethodHandle GATE_ABI = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));

    private final MemorySegment directCall;

    private final LibCordon library;
    private final DomainSpec spec;
    private final MemorySegment image;
    private final MemorySegment heap;
    private final List<MemorySegment> arenas = new ArrayList<>();
    private final LanePool<InProcessLane> lanes;
    private final List<MemorySegment> functions = new CopyOnWriteArrayList<>();
    private volatile String deathReason;

    InProcessSandbox(LibCordon library, DomainSpec spec) throws DomainStartException {
        this.library = library;
        this.spec = spec;
        directCall = library.directCall();
        try {
            image = library.loadImage(spec.image());
            boolean confined = library.confineForDirectCalls(image);
            heap = Libc.mmap(spec.policy().memoryBytes(), Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1);
            initRuntime(confined);
            List<InProcessLane> list = new ArrayList<>();
            for (int i = 0; i < spec.policy().threads(); i++) {
                MemorySegment arena = Libc.mmap(spec.policy().arenaBytes(), Libc.PROT_READ | Libc.PROT_WRITE,
                        Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1);
                arenas.add(arena);
                list.add(new InProcessLane(arena));
            }
            lanes = new LanePool<>(list);
        } catch (IOException e) {
            throw new DomainStartException(spec.name() + ": " + e.getMessage(), e);
        }
    }

    private void initRuntime(boolean confined) throws DomainStartException {
        MemorySegment init = library.symbol(image, "cordon_domain_init");
        if (init.address() == 0) {
            throw new DomainStartException(spec.name() + ": image has no cordon_domain_init (not built by cordon-cc?)");
        }
        try {
            int rc = (int) (long) GATE_ABI.invokeExact(directCall, heap.address(), heap.byteSize(),
                    errnoLocation(confined).address(), 0L, 0L, 0L, init);
            if (rc != 0) {
                throw new DomainStartException(spec.name() + ": cordon_domain_init failed (" + rc + ")");
            }
        } catch (DomainStartException e) {
            throw e;
        } catch (Throwable t) {
            throw new DomainStartException(spec.name() + ": cordon_domain_init: " + t, t);
        }
    }

    /**
     * glibc's per-thread errno for an unconfined image. A confined one may not
     * call out of its code, and musl's errno in the thread block would land
     * in glibc's (on its pointer guard): it keeps one errno of its own, for
     * all threads.
     */
    private static MemorySegment errnoLocation(boolean confined) {
        if (confined) {
            return MemorySegment.NULL;
        }
        return LINKER.defaultLookup().find("__errno_location").orElseThrow();
    }

    @Override
    public synchronized int resolve(String symbol) {
        MemorySegment address = library.symbol(image, symbol);
        if (address.address() == 0) {
            return -1;
        }
        functions.add(address);
        return functions.size() - 1;
    }

    @Override
    public Lane acquire(long timeoutNanos) {
        if (deathReason != null) {
            throw new DomainFailedException(spec.name() + ": domain ended: " + deathReason);
        }
        return lanes.acquire(timeoutNanos, spec.name());
    }

    @Override
    public void release(Lane lane) {
        lanes.release((InProcessLane) lane);
    }

    /** Nothing can be interrupted in-process: the sandbox only refuses further calls. */
    @Override
    public void kill(String reason) {
        deathReason = reason;
        spec.onDeath().died(reason);
    }

    @Override
    public long memoryBytes() {
        return spec.policy().memoryBytes() + spec.policy().arenaBytes() * spec.policy().threads();
    }

    /**
     * CONCURRENCY: unmaps only once no call is inside the image; nothing can
     * end a call here, so it waits at least 30 s, and leaks the image if a
     * call never returns.
     */
    @Override
    public void close(long drainNanos) {
        deathReason = "stopped";
        if (!lanes.drain(Math.max(drainNanos, java.util.concurrent.TimeUnit.SECONDS.toNanos(30)))) {
            return;
        }
        library.unloadImage(image);
        Libc.munmap(heap);
        arenas.forEach(Libc::munmap);
    }

    private final class InProcessLane implements Lane {
        private final MemorySegment arena;

        InProcessLane(MemorySegment arena) {
            this.arena = arena;
        }

        @Override
        public MemorySegment arena() {
            return arena;
        }

        @Override
        public long call(int fn, long[] args, int arenaMask, long timeoutNanos) {
            long base = arena.address();
            try {
                return (long) GATE_ABI.invokeExact(directCall, Lane.argument(args, 0, arenaMask, base),
                        Lane.argument(args, 1, arenaMask, base), Lane.argument(args, 2, arenaMask, base),
                        Lane.argument(args, 3, arenaMask, base), Lane.argument(args, 4, arenaMask, base),
                        Lane.argument(args, 5, arenaMask, base), functions.get(fn));
            } catch (Throwable t) {
                throw new DomainFailedException(spec.name() + ": " + t, t);
            }
        }
    }
}
