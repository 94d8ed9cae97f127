package dev.cordon.isolation.internal.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the runtime needs, bound once through the FFM API. Calls
 * that can fail slowly capture errno; the hot ones (futex) do not, because
 * their callers re-check the futex word whatever the kernel answered.
 */
public final class Libc {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_PRIVATE = 2;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MFD_CLOEXEC = 1;
    private static final int MFD_ALLOW_SEALING = 2;
    private static final int F_ADD_SEALS = 1033;
    private static final int F_SEAL_SEAL = 1;
    private static final int F_SEAL_SHRINK = 2;
    private static final int F_SEAL_GROW = 4;
    private static final long SYS_FUTEX = 202;
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MEMFD_CREATE = errnoCapturing("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FTRUNCATE = errnoCapturing("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FCNTL = errnoCapturing("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = errnoCapturing("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = plain("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle OPEN = errnoCapturing("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = plain("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FUTEX = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
            Linker.Option.firstVariadicArg(1));

    private Libc() {
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    private static MethodHandle errnoCapturing(String name, FunctionDescriptor fd, Linker.Option... more) {
        Linker.Option[] options = java.util.Arrays.copyOf(more, more.length + 1);
        options[more.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    /** An O_PATH descriptor of a directory (close-on-exec): a handle, not an open file. */
    public static int openDirectory(java.nio.file.Path dir) throws IOException {
        final int oPath = 010000000;
        final int oDirectory = 0200000;
        final int oCloexec = 02000000;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(dir.toString()), oPath | oDirectory | oCloexec);
            if (fd < 0) {
                throw failure("open " + dir, state);
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open " + dir, t);
        }
    }

    /** A close-on-exec memfd that can be sealed ({@link #sealSize}). */
    public static int memfdCreate(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC | MFD_ALLOW_SEALING);
            if (fd < 0) {
                throw failure("memfd_create", state);
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("memfd_create", t);
        }
    }

    public static void ftruncate(int fd, long size) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) FTRUNCATE.invokeExact(state, fd, size) != 0) {
                throw failure("ftruncate", state);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("ftruncate", t);
        }
    }

    /**
     * Fixes a memfd's size for good: no process that holds it can shrink it
     * (which would turn every access to our mapping past the new end into
     * SIGBUS), grow it, or lift the seals.
     */
    public static void sealSize(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
            if ((int) FCNTL.invokeExact(state, fd, F_ADD_SEALS, seals) != 0) {
                throw failure("fcntl(F_ADD_SEALS)", state);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("fcntl(F_ADD_SEALS)", t);
        }
    }

    /** mmap; the segment is sized {@code length} and must be released with {@link #munmap}. */
    public static MemorySegment mmap(long length, int prot, int flags, int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment at = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, 0L);
            if (at.address() == -1L) {
                throw failure("mmap of " + length + " bytes", state);
            }
            return at.reinterpret(length);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("mmap", t);
        }
    }

    public static void munmap(MemorySegment segment) {
        try {
            int ignored = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * FUTEX_WAIT on a word shared with another process: sleeps while the word
     * equals {@code expected}, at most {@code timeout} (a 16-byte timespec
     * already filled in by the caller, or NULL for no limit).
     */
    public static void futexWait(MemorySegment word, int expected, MemorySegment timeout) {
        try {
            long ignored = (long) FUTEX.invokeExact(SYS_FUTEX, word, FUTEX_WAIT, expected, timeout);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void futexWake(MemorySegment word) {
        try {
            long ignored = (long) FUTEX.invokeExact(SYS_FUTEX, word, FUTEX_WAKE, Integer.MAX_VALUE, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static IOException failure(String what, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return new IOException(what + " failed: errno " + errno);
    }

}
