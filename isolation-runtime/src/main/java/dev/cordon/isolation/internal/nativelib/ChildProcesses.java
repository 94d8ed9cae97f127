package dev.cordon.isolation.internal.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls that watch and end child processes (the cordon-hosts):
 * signals, wait, pidfds and epoll. Bound once through the FFM API.
 */
public final class ChildProcesses {
    private static final Linker LINKER = Linker.nativeLinker();
    public static final int SIGKILL = 9;
    private static final MethodHandle KILL = plain("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WAITPID = plain("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final MethodHandle SYSCALL_INT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(1));
    /** pidfd_send_signal(pidfd, sig, info, flags): all four, so info and flags are 0, not stale registers. */
    private static final MethodHandle SYSCALL_SIGNAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
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
    private static final MethodHandle WAITID = plain("waitid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final int P_PID = 1;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;

    private ChildProcesses() {
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    /**
     * Sends {@code signal} to the process of {@code pidfd}: unlike kill(2) by pid,
     * it can never reach another process that has taken the pid since the child
     * was reaped. Returns 0 or -1 (ESRCH once the child is gone).
     */
    public static int pidfdKill(int pidfd, int signal) {
        try {
            return (int) (long) SYSCALL_SIGNAL.invokeExact(SYS_PIDFD_SEND_SIGNAL, pidfd, signal,
                    MemorySegment.NULL, 0);
        } catch (Throwable t) {
            return -1;
        }
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

    /** Blocks for events, up to the timeout (-1: none); returns how many were written into {@code events}, 0 on timeout, or -1. */
    public static int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(epfd, events, max, timeoutMillis);
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
