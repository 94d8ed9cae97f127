package dev.cordon.isolation.internal.process;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.cordon.isolation.internal.nativelib.ChildProcesses;
import dev.cordon.isolation.internal.nativelib.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Waits for every cordon-host at once: one thread blocked in epoll_wait on a
 * pidfd per host, instead of a thread per domain. Starting and ending a
 * platform thread costs more than the rest of a domain's life cycle.
 * Where pidfds are missing (Linux before 5.3) a host gets its own thread.
 *
 * The thread and its epoll fd last only while there are hosts to wait for
 * (and {@link #IDLE_MILLIS} after): each time this bundle is started, in a
 * framework or after a refresh, its classes are loaded anew, and a thread
 * that never ended would keep every old copy alive.
 */
final class HostReaper {
    private static final HostReaper INSTANCE = new HostReaper();
    private static final int BATCH = 16;
    static final int IDLE_MILLIS = 2_000;

    private record Watch(int pid, IntConsumer exited) {
    }

    // guarded by this
    private final Map<Integer, Watch> watches = new HashMap<>();
    /** pidfd by pid, so that close() can take a host back (see {@link #reapHere}). */
    private final Map<Integer, Integer> pidfds = new HashMap<>();
    /** The running reaper's epoll fd; -1 while none runs. */
    private int epoll = -1;

    private HostReaper() {
    }

    /** Calls {@code exited} with the raw wait status once child {@code pid} has exited and is reaped. */
    static void watch(int pid, String name, IntConsumer exited) {
        int pidfd = ChildProcesses.pidfdOpen(pid);
        if (pidfd < 0 || !INSTANCE.add(pidfd, new Watch(pid, exited))) {
            if (pidfd >= 0) {
                Libc.close(pidfd);
            }
            Thread.ofPlatform().daemon().name("cordon-reaper-" + name + "-" + pid)
                    .start(() -> exited.accept(ChildProcesses.waitpid(pid)));
        }
    }

    /** Under the lock: the reaper cannot end between the check and the add. */
    private synchronized boolean add(int pidfd, Watch watch) {
        if (epoll < 0) {
            epoll = ChildProcesses.epollCreate();
            if (epoll < 0) {
                return false;
            }
            int fd = epoll;
            Thread.ofPlatform().daemon().name("cordon-reaper").start(() -> run(fd));
        }
        watches.put(pidfd, watch);
        pidfds.put(watch.pid(), pidfd);
        try (Arena arena = Arena.ofConfined()) {
            // an exited child's pidfd is readable at once: no exit is missed
            ChildProcesses.epollCtl(epoll, ChildProcesses.EPOLL_CTL_ADD, pidfd, arena.allocate(ChildProcesses.EPOLL_EVENT_SIZE));
        }
        return true;
    }

    private void run(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(ChildProcesses.EPOLL_EVENT_SIZE * BATCH, 8);
            while (true) {
                int n = ChildProcesses.epollWait(fd, events, BATCH, IDLE_MILLIS);
                if (n == 0 && endIfIdle(fd)) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    Watch watch = take((int) events.get(JAVA_LONG_UNALIGNED, i * ChildProcesses.EPOLL_EVENT_SIZE + 4));
                    if (watch != null) {
                        reap(watch);
                    }
                }
            }
        }
    }

    private synchronized boolean endIfIdle(int fd) {
        if (!watches.isEmpty()) {
            return false;
        }
        Libc.close(fd);
        epoll = -1;
        return true;
    }

    /**
     * The watch of this pidfd, out of the epoll set and closed, if its child
     * has exited. CONCURRENCY: reapHere() may have taken this pidfd and its
     * number been reused since the event was queued: act only on a child that
     * has exited.
     */
    private synchronized Watch take(int pidfd) {
        Watch watch = watches.get(pidfd);
        if (watch == null || !ChildProcesses.hasExited(watch.pid())) {
            return null;
        }
        forget(pidfd, watch);
        return watch;
    }

    private void forget(int pidfd, Watch watch) {
        watches.remove(pidfd);
        pidfds.remove(watch.pid());
        try (Arena arena = Arena.ofConfined()) {
            ChildProcesses.epollCtl(epoll, ChildProcesses.EPOLL_CTL_DEL, pidfd, arena.allocate(ChildProcesses.EPOLL_EVENT_SIZE));
        }
        Libc.close(pidfd);
    }

    private static void reap(Watch watch) {
        int status = ChildProcesses.waitpid(watch.pid());
        try {
            watch.exited().accept(status);
        } catch (RuntimeException e) {
            // one domain's bookkeeping must not stop the reaping of the others
        }
    }

    /**
     * Takes the host back from the reaper and reaps it on the calling thread,
     * which must have killed it: one thread hand-off less when a domain is
     * destroyed. Returns false if the reaper got there first (it then calls
     * {@code exited} itself).
     */
    static boolean reapHere(int pid) {
        Watch watch;
        synchronized (INSTANCE) {
            Integer pidfd = INSTANCE.pidfds.get(pid);
            watch = pidfd == null ? null : INSTANCE.watches.get(pidfd);
            if (watch == null) {
                return false;
            }
            INSTANCE.forget(pidfd, watch);
        }
        reap(watch);
        return true;
    }

    /** Whether a reaper thread runs now (for tests). */
    static boolean running() {
        synchronized (INSTANCE) {
            return INSTANCE.epoll >= 0;
        }
    }
}
