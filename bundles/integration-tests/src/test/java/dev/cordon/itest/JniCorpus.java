package dev.cordon.itest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The inputs every JNI round trip runs over, by name. */
final class JniCorpus {
    private JniCorpus() {
    }

    static Map<String, byte[]> inputs(boolean large) {
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        corpus.put("empty", new byte[0]);
        corpus.put("one byte", new byte[] {42});
        corpus.put("incompressible 64 KiB", random(64 << 10, 1));
        corpus.put("highly compressible 256 KiB", "Cordon isolates JNI bundles. ".repeat(10000)
                .substring(0, 256 << 10).getBytes(StandardCharsets.UTF_8));
        corpus.put("mixed 1 MiB", mixed(1 << 20));
        if (large) {
            corpus.put("mixed 16 MiB", mixed(16 << 20));
        }
        return corpus;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Runs of text and of noise: compressible, but not trivially. */
    private static byte[] mixed(int n) {
        byte[] b = new byte[n];
        Random r = new Random(7);
        byte[] text = "the quick brown fox jumps over the lazy dog 0123456789 ".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < n;) {
            int run = Math.min(n - i, 64 + r.nextInt(4096));
            if (r.nextBoolean()) {
                for (int j = 0; j < run; j++) {
                    b[i + j] = text[(i + j) % text.length];
                }
            } else {
                byte[] noise = new byte[run];
                r.nextBytes(noise);
                System.arraycopy(noise, 0, b, i, run);
            }
            i += run;
        }
        return b;
    }
}
