package dev.cordon.isolation.internal.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Bindings to the mpk domains of libcordon.so (native/include/cordon/mpkdomain.h).
 * The call itself, {@link #call}, is the gate's way in: a plain downcall on the
 * caller's own thread, which then runs the domain's code.
 */
public final class MpkLibrary {
    public static final int CALL_OK = 0;
    public static final int CALL_FAULT = 1;
    public static final int CALL_TIMEOUT = 2;
    public static final int CALL_DEAD = 3;
    public static final int CALL_BUSY = 4;

    public static final int SOFTWARE_ONLY = 1;
    /** A uswitch domain: its own kernel context as well (CORDON_MPK_KERNEL_CONTEXT). */
    public static final int KERNEL_CONTEXT = 2;
    /** With {@link #KERNEL_CONTEXT}: the domain runs as {@code uid} and {@code gid} (CORDON_MPK_OWN_IDS). */
    public static final int OWN_IDS = 4;

    /** struct cordon_mpk_config */
    public static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_LONG.withName("heap_size"), JAVA_LONG.withName("arena_size"), JAVA_LONG.withName("stack_size"),
            JAVA_INT.withName("lanes"), JAVA_INT.withName("data_dir_fd"), JAVA_INT.withName("syscalls"),
            JAVA_INT.withName("flags"), JAVA_LONG.withName("uid"), JAVA_LONG.withName("gid"));
    private static final VarHandle HEAP = field("heap_size");
    private static final VarHandle ARENA = field("arena_size");
    private static final VarHandle STACK = field("stack_size");
    private static final VarHandle LANES = field("lanes");
    private static final VarHandle DATA_DIR = field("data_dir_fd");
    private static final VarHandle SYSCALLS = field("syscalls");
    private static final VarHandle FLAGS = field("flags");
    private static final VarHandle UID = field("uid");
    private static final VarHandle GID = field("gid");

    private static final int TEXT_LEN = 512;

    private final String missing;
    private MethodHandle supported;
    private MethodHandle uswitchSupported;
    private MethodHandle create;
    private MethodHandle symbol;
    private MethodHandle arena;
    private MethodHandle attach;
    /** cordon_mpk_call: unbound and constant, so that the JIT inlines the downcall (saves a few ns a call). */
    private static final MethodHandle CALL = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private MemorySegment callAddress;
    private MethodHandle reason;
    private MethodHandle verified;
    private MethodHandle kill;
    private MethodHandle destroy;
    private MethodHandle warmRegions;

    public MpkLibrary(Path library) {
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        String absent = null;
        try {
            supported = bind(lib, "cordon_mpk_supported", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
            uswitchSupported = bind(lib, "cordon_uswitch_supported",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
            create = bind(lib, "cordon_mpk_create",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
            symbol = bind(lib, "cordon_mpk_symbol", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            arena = bind(lib, "cordon_mpk_arena", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
            attach = bind(lib, "cordon_mpk_attach", FunctionDescriptor.of(JAVA_INT));
            callAddress = find(lib, "cordon_mpk_call");
            verified = bind(lib, "cordon_mpk_verified", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            reason = bind(lib, "cordon_mpk_reason", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG));
            kill = bind(lib, "cordon_mpk_kill", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
            destroy = bind(lib, "cordon_mpk_destroy", FunctionDescriptor.ofVoid(ADDRESS));
            warmRegions = bind(lib, "cordon_mpk_warm_regions", FunctionDescriptor.ofVoid(JAVA_INT));
        } catch (IllegalStateException e) {
            absent = e.getMessage();
        }
        missing = absent;
    }

    private static VarHandle field(String name) {
        return CONFIG.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return Linker.nativeLinker().downcallHandle(find(lib, name), fd);
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libcordon.so has no " + name));
    }

    /** Null if mpk domains can run here, else why not. */
    public String unavailableReason() {
        return missing != null ? missing : ask(supported, "cordon_mpk_supported");
    }

    /** Null if uswitch domains ({@link #KERNEL_CONTEXT}) can run here, else why not. */
    public String uswitchUnavailableReason() {
        return missing != null ? missing : ask(uswitchSupported, "cordon_uswitch_supported");
    }

    private static String ask(MethodHandle check, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment why = a.allocate(TEXT_LEN);
            int ok = (int) check.invokeExact(why, (long) TEXT_LEN);
            return ok == 1 ? null : why.getString(0);
        } catch (Throwable t) {
            return name + ": " + t;
        }
    }

    /** The parameters of {@link #create}; {@code uid} and {@code gid} count only with {@link #OWN_IDS}. */
    public record Config(long heapBytes, long arenaBytes, long stackBytes, int lanes, int dataDirFd,
            int syscalls, int flags, long uid, long gid) {

        /** With the creator's uid and gid. */
        public Config(long heapBytes, long arenaBytes, long stackBytes, int lanes, int dataDirFd, int syscalls,
                int flags) {
            this(heapBytes, arenaBytes, stackBytes, lanes, dataDirFd, syscalls, flags, 0, 0);
        }
    }

    /** Creates a domain; returns its handle. */
    public MemorySegment create(byte[] image, Config config) throws IOException {
        if (missing != null) {
            throw new IOException(missing);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bytes = a.allocate(Math.max(1, image.length), 4096);
            MemorySegment.copy(image, 0, bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, image.length);
            MemorySegment cfg = a.allocate(CONFIG);
            HEAP.set(cfg, 0L, config.heapBytes());
            ARENA.set(cfg, 0L, config.arenaBytes());
            STACK.set(cfg, 0L, config.stackBytes());
            LANES.set(cfg, 0L, config.lanes());
            DATA_DIR.set(cfg, 0L, config.dataDirFd());
            SYSCALLS.set(cfg, 0L, config.syscalls());
            FLAGS.set(cfg, 0L, config.flags());
            UID.set(cfg, 0L, config.uid());
            GID.set(cfg, 0L, config.gid());
            MemorySegment out = a.allocate(ADDRESS);
            MemorySegment err = a.allocate(TEXT_LEN);
            int rc = (int) create.invokeExact(bytes, (long) image.length, cfg, out, err, (long) TEXT_LEN);
            if (rc != 0) {
                throw new IOException(err.getString(0).isEmpty() ? "cordon_mpk_create: error " + rc : err.getString(0));
            }
            return out.get(ADDRESS, 0);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cordon_mpk_create", t);
        }
    }

    /** The function's address, or NULL. */
    public MemorySegment symbol(MemorySegment domain, String name) {
        try (Arena a = Arena.ofConfined()) {
            return (MemorySegment) symbol.invokeExact(domain, a.allocateFrom(name));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Lane {@code lane}'s argument area, a zero-length segment to reinterpret. */
    public MemorySegment arena(MemorySegment domain, int lane) {
        try {
            return (MemorySegment) arena.invokeExact(domain, lane);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Makes the calling (carrier) thread able to use domains; cheap once done. */
    public void attach() {
        int rc;
        try {
            rc = (int) attach.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (rc != 0) {
            throw new IllegalStateException("cordon_mpk_attach failed: error " + rc);
        }
    }

    /**
     * One call through the gate; {@code args} holds 6 longs, {@code result} 1.
     * After {@code timeoutNanos} (0: never) the call is interrupted and the domain ended.
     */
    public int call(MemorySegment domain, int lane, MemorySegment fn, MemorySegment args, MemorySegment result,
            long timeoutNanos) {
        try {
            return (int) CALL.invokeExact(callAddress, domain, lane, fn, args, result, timeoutNanos);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Whether the loader verified the domain's image: its control flow is confined (native/CONFINEMENT.md). */
    public boolean verified(MemorySegment domain) {
        try {
            return (int) verified.invokeExact(domain) == 1;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public String reason(MemorySegment domain) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment text = a.allocate(TEXT_LEN);
            reason.invokeExact(domain, text, (long) TEXT_LEN);
            return text.getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public void kill(MemorySegment domain, String why) {
        try (Arena a = Arena.ofConfined()) {
            kill.invokeExact(domain, a.allocateFrom(why));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public void destroy(MemorySegment domain) {
        try {
            destroy.invokeExact(domain);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * How many destroyed domains' regions are kept, scrubbed, for a new domain
     * of the same image and layout (4 unless set; 0 keeps none).
     */
    public void warmRegions(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("warm regions: " + max);
        }
        try {
            warmRegions.invokeExact(max);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
