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
    public static final int SIGKILL = 9;
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
    private static final MethodHandle MMAP = errnoCapturing("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = plain("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = plain("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle KILL = plain("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WAITPID = plain("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FUTEX = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
            Linker.Option.firstVariadicArg(1));

    private static final long SYS_PIDFD_OPEN = 434;
    private static final MethodHandle SYSCALL_INT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle EPOLL_CREATE1 = plain("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = plain("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = plain("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 1;
    /** struct epoll_event is packed on x86-64: u32 events, u64 data. */
    public static final long EPOLL_EVENT_SIZE = 12;

    private Libc() {
    }

    /** A pidfd for child {@code pid} (Linux 5.3+), or -1. */
    public static int pidfdOpen(int pid) {
        try {
            return (int) (long) SYSCALL_INT.invokeExact(SYS_PIDFD_OPEN, pid, 0);
        } catch (Throwable t) {
            return -1;
        }
    }

    public static int epollCreate() {
        try {
            return (int) EPOLL_CREATE1.invokeExact(0x80000 /* EPOLL_CLOEXEC */);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Adds or removes {@code fd}, with the fd itself as the event's data. */
    public static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
        event.set(JAVA_INT, 0, EPOLLIN);
        event.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 4, fd);
        try {
            return (int) EPOLL_CTL.invokeExact(epfd, op, fd, event);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Blocks for events; returns how many were written into {@code events}, or -1. */
    public static int epollWait(int epfd, MemorySegment events, int max) {
        try {
            return (int) EPOLL_WAIT.invokeExact(epfd, events, max, -1);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    private static MethodHandle errnoCapturing(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd,
                Linker.Option.captureCallState("errno"));
    }

    public static int memfdCreate(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC);
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

    public static void kill(int pid, int signal) {
        try {
            int ignored = (int) KILL.invokeExact(pid, signal);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Blocks until child {@code pid} exits and reaps it; returns the raw wait status, or -1. */
    public static int waitpid(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            int r;
            do {
                r = (int) WAITPID.invokeExact(pid, status, 0);
            } while (r < 0 && !Thread.currentThread().isInterrupted() && isAlive(pid));
            return r == pid ? status.get(JAVA_INT, 0) : -1;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final MethodHandle WAITID = plain("waitid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final int P_PID = 1;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;

    /** Whether child {@code pid} has exited, without reaping it. */
    public static boolean hasExited(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(128); // siginfo_t; si_pid at offset 16
            int r = (int) WAITID.invokeExact(P_PID, pid, info, WEXITED | WNOHANG | WNOWAIT);
            return r == 0 && info.get(JAVA_INT, 16) == pid;
        } catch (Throwable t) {
            return false;
        }
    }

    private static boolean isAlive(int pid) {
        try {
            return (int) KILL.invokeExact(pid, 0) == 0;
        } catch (Throwable t) {
            return false;
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

    public static String describeWaitStatus(int status) {
        if (status == -1) {
            return "exit status unknown";
        }
        if ((status & 0x7f) == 0) {
            return "exited with code " + ((status >> 8) & 0xff);
        }
        return "killed by signal " + (status & 0x7f);
    }
}
