package dev.cordon.isolation.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyscallGroupsTest {

    @Test
    void theNativeTableIsPackedAndRead() {
        assertEquals(List.of("io", "time", "memory", "random", "signals"), SyscallGroups.NAMES);
        assertEquals(SyscallGroups.NAMES, Policy.SYSCALL_GROUPS);
        assertEquals(1 | 4 | 16, SyscallGroups.bits(Set.of("io", "memory", "signals")));
        assertEquals(0, SyscallGroups.bits(Set.of()));
    }

    @Test
    void anUnknownGroupIsAnError() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SyscallGroups.bits(Set.of("sockets")));
        assertEquals("unknown syscall group 'sockets' (known: [io, time, memory, random, signals])", e.getMessage());
    }

    @Test
    void entriesAreParsedAndBadOnesRefused() {
        assertEquals(Map.of("io", 1, "time", 4), SyscallGroups.parse(List.of(
                "/* a comment */", "CORDON_GROUP(IO, 0, \"io\", \"fds\")", "",
                "CORDON_GROUP(TIME, 2, \"time\", \"clocks, sleeping\")")));
        assertThrows(IllegalStateException.class,
                () -> SyscallGroups.parse(List.of("CORDON_GROUP(IO, x, \"io\", \"fds\")")));
        assertThrows(IllegalStateException.class, () -> SyscallGroups.parse(List.of(
                "CORDON_GROUP(IO, 0, \"io\", \"a\")", "CORDON_GROUP(IO2, 1, \"io\", \"b\")")));
        assertThrows(IllegalStateException.class, () -> SyscallGroups.parse(List.of("/* nothing */")));
    }
}
