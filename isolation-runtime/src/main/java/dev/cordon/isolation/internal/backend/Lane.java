package dev.cordon.isolation.internal.backend;

import java.lang.foreign.MemorySegment;

/**
 * One thread's way into a sandbox: an argument area and a call. A lane is used
 * by one caller at a time (see {@link Sandbox#acquire}).
 */
public interface Lane {
    /** Where the gate copies buffer arguments; offsets into it are passed as arguments. */
    MemorySegment arena();

    /**
     * Calls function {@code fn}. {@code args[i]} with bit i of {@code arenaMask} set is an
     * offset into {@link #arena()}, which the backend turns into a pointer in the domain.
     * After {@code timeoutNanos} the call is ended, and with it the domain.
     *
     * @throws dev.cordon.isolation.DomainFailedException if the sandbox died or the call ran too long
     */
    long call(int fn, long[] args, int arenaMask, long timeoutNanos);

    /**
     * Argument {@code i} as a backend that maps the arena at {@code arenaBase}
     * passes it: an arena offset turned into a pointer, anything else as is;
     * 0 past the end of {@code args}.
     */
    static long argument(long[] args, int i, int arenaMask, long arenaBase) {
        if (i >= args.length) {
            return 0;
        }
        return (arenaMask & (1 << i)) != 0 ? args[i] + arenaBase : args[i];
    }
}
