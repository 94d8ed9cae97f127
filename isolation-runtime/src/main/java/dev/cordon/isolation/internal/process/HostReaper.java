package dev.cordon.isolation.internal.process;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.cordon.isolation.internal.nativelib.ChildProcesses;
import dev.cordon.isolation.internal.nativelib.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Waits for every cordon-host at once: one thread blocked in epoll_wait on a
 * pidfd per host, instead of a thread per domain. Starting and ending a
 * platform thread costs more than the rest of a domain's life cycle.
 * Where pidfds are missing (Linux before 5.3) a host gets its own thread.
 */
final class HostReaper {
    private static final HostReaper INSTANCE = new HostReaper();
    private static final int BATCH = 16;

    private final int epoll = ChildProcesses.epollCreate();
    private final Map<Integer, Watch> watches = new ConcurrentHashMap<>();

    private record Watch(int pid, IntConsumer exited) {
    }

    /** pidfd by pid, so that close() can take a host back (see {@link #unwatch}). */
    private final Map<Integer, Integer> pidfds = new ConcurrentHashMap<>();

    private HostReaper() {
        if (epoll >= 0) {
            Thread.ofPlatform().daemon().name("cordon-reaper").start(this::run);
        }
    }

    /** Calls {@code exited} with the raw wait status once child {@code pid} has exited and is reaped. */
    static void watch(int pid, String name, IntConsumer exited) {
        int pidfd = INSTANCE.epoll >= 0 ? ChildProcesses.pidfdOpen(pid) : -1;
        if (pidfd < 0) {
            Thread.ofPlatform().daemon().name("cordon-reaper-" + name + "-" + pid)
                    .start(() -> exited.accept(ChildProcesses.waitpid(pid)));
            return;
        }
        INSTANCE.watches.put(pidfd, new Watch(pid, exited));
        INSTANCE.pidfds.put(pid, pidfd);
        try (Arena arena = Arena.ofConfined()) {
            // an exited child's pidfd is readable at once: no exit is missed
            ChildProcesses.epollCtl(INSTANCE.epoll, ChildProcesses.EPOLL_CTL_ADD, pidfd, arena.allocate(ChildProcesses.EPOLL_EVENT_SIZE));
        }
    }

    private void run() {
        MemorySegment events = Arena.global().allocate(ChildProcesses.EPOLL_EVENT_SIZE * BATCH, 8);
        MemorySegment scratch = Arena.global().allocate(ChildProcesses.EPOLL_EVENT_SIZE, 8);
        while (true) {
            int n = ChildProcesses.epollWait(epoll, events, BATCH);
            for (int i = 0; i < n; i++) {
                int pidfd = (int) events.get(JAVA_LONG_UNALIGNED, i * ChildProcesses.EPOLL_EVENT_SIZE + 4);
                // CONCURRENCY: reapHere() may have taken this pidfd and its number been
                // reused since the event was queued: act only on a child that has exited
                Watch watch = watches.get(pidfd);
                if (watch == null || !ChildProcesses.hasExited(watch.pid()) || !watches.remove(pidfd, watch)) {
                    continue;
                }
                pidfds.remove(watch.pid());
                ChildProcesses.epollCtl(epoll, ChildProcesses.EPOLL_CTL_DEL, pidfd, scratch);
                Libc.close(pidfd);
                reap(watch);
            }
        }
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
        Integer pidfd = INSTANCE.pidfds.remove(pid);
        Watch watch = pidfd == null ? null : INSTANCE.watches.remove(pidfd);
        if (watch == null) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            ChildProcesses.epollCtl(INSTANCE.epoll, ChildProcesses.EPOLL_CTL_DEL, pidfd, arena.allocate(ChildProcesses.EPOLL_EVENT_SIZE));
        }
        Libc.close(pidfd);
        reap(watch);
        return true;
    }
}
