package dev.cordon.isolation.internal.gate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.InvalidDomainResultException;
import dev.cordon.isolation.ReturnsLengthOf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MethodPlanTest {
    interface Api {
        @ReturnsLengthOf(1)
        int fill(String name, byte[] out, int flags);

        long buffers(ByteBuffer in, MemorySegment seg);

        boolean check(long a, short b, char c, byte d, boolean e, int f);

        int tooMany(byte[] a, byte[] b, byte[] c, int d);

        double floating();

        void object(Object o);

        @ReturnsLengthOf(0)
        int badBound(int notABuffer);
    }

    private static MethodPlan plan(String name) throws Exception {
        for (var m : Api.class.getMethods()) {
            if (m.getName().equals(name)) {
                return MethodPlan.of(m, "sym_" + name);
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void buffersAreCopiedIn_AlignedAndPassedAsOffsetAndLength_ThenCopiedBack() throws Exception {
        MethodPlan p = plan("fill");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment area = arena.allocate(4096);
            byte[] out = {1, 2, 3};
            Object[] args = {"hé", out, 7};
            long[] nativeArgs = new long[6];
            int mask = p.marshal(args, area, nativeArgs);
            assertEquals(0b011, mask, "the string pointer and the array pointer are arena offsets");
            assertEquals(0, nativeArgs[0]);
            assertEquals("hé", area.getString(0));
            assertEquals(16, nativeArgs[1], "16-byte aligned after the string");
            assertEquals(3, nativeArgs[2]);
            assertEquals(7, nativeArgs[3]);
            area.set(JAVA_BYTE, 16, (byte) 9);
            p.unmarshal(args, area, nativeArgs);
            assertArrayEquals(new byte[] {9, 2, 3}, out);
            assertEquals(3, p.result(3, args));
            assertEquals(-5, p.result(-5, args), "negative results are error codes, passed through");
            assertThrows(InvalidDomainResultException.class, () -> p.result(4, args));
        }
    }

    @Test
    void readOnlyBuffers_AreNotWrittenBack() throws Exception {
        MethodPlan p = plan("buffers");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment area = arena.allocate(4096);
            ByteBuffer in = ByteBuffer.wrap(new byte[] {5, 6}).asReadOnlyBuffer();
            MemorySegment seg = arena.allocate(4);
            Object[] args = {in, seg};
            long[] nativeArgs = new long[6];
            assertEquals(0b0101, p.marshal(args, area, nativeArgs));
            area.fill((byte) 1);
            p.unmarshal(args, area, nativeArgs);
            assertEquals(5, in.get(0));
            assertEquals(1, seg.get(JAVA_BYTE, 3));
        }
    }

    @Test
    void scalars_AreWidened_AndBooleansAreNonZero() throws Exception {
        MethodPlan p = plan("check");
        long[] nativeArgs = new long[6];
        p.marshal(new Object[] {-1L, (short) -2, 'A', (byte) -3, true, 9}, MemorySegment.NULL, nativeArgs);
        assertArrayEquals(new long[] {-1, -2, 65, -3, 1, 9}, nativeArgs);
        assertEquals(true, p.result(2, new Object[6]));
    }

    @Test
    void argumentsLargerThanTheArena_AreRefusedBeforeTheCall() throws Exception {
        MethodPlan p = plan("fill");
        try (Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.marshal(new Object[] {"x", new byte[5000], 0}, arena.allocate(4096), new long[6]));
            assertTrue(e.getMessage().contains("argument area of 4096 bytes"), e.getMessage());
        }
    }

    @Test
    void intResultOutOfRange_IsRejected() throws Exception {
        MethodPlan p = plan("fill");
        assertThrows(InvalidDomainResultException.class,
                () -> p.result(-(1L << 40), new Object[] {"", new byte[1], 0}));
    }

    @Test
    void unsupportedSignatures_AreRefusedAtBindTime() {
        assertThrows(GateBindingException.class, () -> plan("tooMany"));
        assertThrows(GateBindingException.class, () -> plan("floating"));
        assertThrows(GateBindingException.class, () -> plan("object"));
        assertThrows(GateBindingException.class, () -> plan("badBound"));
    }
}
