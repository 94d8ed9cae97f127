package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainFailedException;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CVE-2025-12183 (lz4-java's JNI fast decompressor reads before its
 * destination on crafted input), both sides in one test: unisolated, in a
 * child JVM, the output holds the secret planted next to the destination (or
 * the JVM crashes); isolated on process, it never does: the library reads the
 * domain's own memory, or faults, and the JVM goes on.
 */
class Lz4CveTest {
    private static final String LZ4 = "lz4-java";

    @Test
    void unisolated_TheCraftedBlockLeaksTheSecret_Isolated_ItNeverDoes() throws Exception {
        String child = runChild();
        assertTrue(child.contains("LEAKED") || child.contains("crashed"),
                "the unisolated half shows the bug (else this test proves nothing): " + child);

        try (CordonFramework osgi = Framework.start("jni-lz4-cve", Map.of("dev.cordon.isolate",
                LZ4 + ";backend=process;memory=64m;max-restarts=50"),
                List.of(Path.of(System.getProperty("cordon.jni-bundles", "target/jni-bundles"))))) {
            Class<?> factory = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4Factory");
            Object lz4 = factory.getMethod("nativeInstance").invoke(null);
            Object fast = factory.getMethod("fastDecompressor").invoke(lz4);
            var decompress = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4FastDecompressor").getMethod("decompress", byte[].class, int.class, byte[].class, int.class,
                    int.class);
            byte[] block = Lz4Crafted.block();
            for (int attempt = 0; attempt < 20; attempt++) {
                byte[] secret = Lz4Crafted.secret();
                byte[] dest = new byte[Lz4Crafted.DEST_LEN];
                try {
                    decompress.invoke(fast, block, 0, dest, 0, Lz4Crafted.DEST_LEN);
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    assertTrue(cause instanceof DomainFailedException
                            || cause.getClass().getName().equals("net.jpountz.lz4.LZ4Exception"), cause.toString());
                }
                assertFalse(Lz4Crafted.holdsTheSecret(dest), "the isolated output holds the secret");
                assertTrue(secret.length > 0);
            }
            // and the domain still (or again) decompresses honest input
            Object compressor = factory.getMethod("fastCompressor").invoke(lz4);
            byte[] text = "honest input ".repeat(100).getBytes(StandardCharsets.UTF_8);
            byte[] packed = (byte[]) osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4Compressor")
                    .getMethod("compress", byte[].class).invoke(compressor, text);
            byte[] back = new byte[text.length];
            decompress.invoke(fast, packed, 0, back, 0, text.length);
            assertArrayEquals(text, back);
        }
    }

    /** The child's verdict: its output, or "crashed" with its exit status. */
    private static String runChild() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path lz4 = Path.of(System.getProperty("cordon.jni-bundles", "target/jni-bundles"), "lz4-java.jar");
        String classes = Path.of(Lz4LeakChild.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        Path errors = Path.of(System.getProperty("java.io.tmpdir"), "cordon-lz4-cve-hs_err.log");
        Process p = new ProcessBuilder(java, "-XX:ErrorFile=" + errors, "-Xmx256m", "-cp",
                lz4.toAbsolutePath() + File.pathSeparator + classes, Lz4LeakChild.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out: " + out;
        }
        return p.exitValue() == 0 ? out : "crashed (exit " + p.exitValue() + "): " + out;
    }
}
