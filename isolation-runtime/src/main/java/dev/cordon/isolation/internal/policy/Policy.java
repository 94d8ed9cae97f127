package dev.cordon.isolation.internal.policy;

import java.time.Duration;

/**
 * A domain's policy, from the {@code Cordon-Domain} header.
 *
 * @param image        path of the domain image inside the bundle
 * @param backend      the backend asked for (auto, or the one to use)
 * @param memoryBytes  the domain's heap
 * @param arenaBytes   argument area per thread: bounds the bytes one call may pass
 * @param deadline     longest a call may run before the domain is ended; a call
 *                     waiting for a free thread waits at most as long
 * @param threads      calls that may run in the domain at once (1: serialised)
 * @param restart      restart policy after a fault
 * @param maxRestarts  restarts allowed before the domain stays failed
 * @param files        whether the domain may open files under its data directory
 * @param syscalls     the syscall groups granted (see {@link #SYSCALL_GROUPS}); the host's
 *                     own needs (futex, exit, ...) are always granted
 */
public record Policy(String image, BackendChoice backend, long memoryBytes, long arenaBytes,
        Duration deadline, int threads, RestartPolicy restart, int maxRestarts, boolean files,
        java.util.Set<String> syscalls) {

    public static final int MAX_THREADS = 64;

    /** What {@code syscalls=} may name: the native table's groups ({@link SyscallGroups}). */
    public static final java.util.List<String> SYSCALL_GROUPS = SyscallGroups.NAMES;

    /**
     * This policy as a {@code Cordon-Domain} clause, every key written out: it
     * parses back to an equal policy (the parser fuzz test holds it to that).
     */
    public String toHeader() {
        return image
                + ";backend=" + backend.label()
                + ";memory=" + Quantities.formatSize(memoryBytes)
                + ";arena=" + Quantities.formatSize(arenaBytes)
                + ";deadline=" + Quantities.formatDuration(deadline)
                + ";threads=" + threads
                + ";restart=" + restart.name().toLowerCase(java.util.Locale.ROOT)
                + ";max-restarts=" + maxRestarts
                + ";files=" + (files ? "data" : "none")
                + ";syscalls=\"" + (syscalls.isEmpty() ? "none" : String.join(",", new java.util.TreeSet<>(syscalls)))
                + "\"";
    }

    public boolean allSyscalls() {
        return syscalls.containsAll(SYSCALL_GROUPS);
    }
}
