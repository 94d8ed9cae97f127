package dev.cordon.isolation.internal.process;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link FakeHost} does, decoded from fuzz bytes. Decoding never
 * fails: a missing byte reads as 0, so every byte string is a script and a
 * short one is mostly an honest host.
 *
 * <pre>
 *   byte   start: 0-5 READY, 6 FAILED, 7 exits, else a raw host_state value
 *   byte n, n bytes   text written into the header's error[] at start
 *   then steps, one byte each (low 3 bits: the kind) and their operands
 * </pre>
 */
record HostileScript(Start start, int rawStartState, byte[] errorText, List<Step> steps) {
    enum Start { READY, FAILED, EXIT, RAW }

    /** How the next new request is answered; SCRIBBLE and TRUNCATE act at once and answer nothing. */
    enum Kind { HONEST, WRONG_STATUS, WRONG_STATE, SILENT, FLIP, DIE, SCRIBBLE, TRUNCATE }

    /**
     * @param value   HONEST: the result (0: the honest one); WRONG_STATUS: the status;
     *                WRONG_STATE, FLIP: the state; DIE: the fault signal; SCRIBBLE: what is written
     * @param where   SCRIBBLE: which field (FakeHost.FIELDS); DIE: the fault address
     */
    record Step(Kind kind, long value, long where) {
    }

    static final int MAX_STEPS = 48;

    static HostileScript decode(byte[] data) {
        Reader in = new Reader(data);
        int first = in.u8();
        Start start = first < 6 ? Start.READY : first == 6 ? Start.FAILED : first == 7 ? Start.EXIT : Start.RAW;
        byte[] error = in.bytes(in.u8());
        List<Step> steps = new ArrayList<>();
        while (in.left() > 0 && steps.size() < MAX_STEPS) {
            Kind kind = Kind.values()[in.u8() & 7];
            steps.add(switch (kind) {
                case HONEST -> new Step(kind, in.u8() == 0 ? 0 : in.s64(), 0);
                case WRONG_STATUS, WRONG_STATE, FLIP -> new Step(kind, in.s32(), 0);
                case DIE -> new Step(kind, in.s32(), in.s64());
                case SCRIBBLE -> new Step(kind, in.s64(), in.u8());
                case SILENT, TRUNCATE -> new Step(kind, 0, 0);
            });
        }
        return new HostileScript(start, first, error, steps);
    }

    /** Big-endian reads from the front; 0 past the end. */
    private static final class Reader {
        private final byte[] data;
        private int at;

        Reader(byte[] data) {
            this.data = data;
        }

        int left() {
            return data.length - at;
        }

        int u8() {
            return at < data.length ? data[at++] & 0xff : 0;
        }

        int s32() {
            return (int) bits(4);
        }

        long s64() {
            return bits(8);
        }

        private long bits(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = v << 8 | u8();
            }
            return v;
        }

        byte[] bytes(int n) {
            byte[] out = new byte[Math.min(n, left())];
            System.arraycopy(data, at, out, 0, out.length);
            at += out.length;
            return out;
        }
    }
}
