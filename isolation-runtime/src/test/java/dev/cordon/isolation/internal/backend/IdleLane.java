package dev.cordon.isolation.internal.backend;

import java.lang.foreign.MemorySegment;

/** A lane for tests of lane hand-out: no arena, every call answers 0. */
public class IdleLane implements Lane {
    @Override
    public MemorySegment arena() {
        return MemorySegment.NULL;
    }

    @Override
    public long call(int fn, long[] args, int arenaMask, long timeoutNanos) {
        return 0;
    }
}
