package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cordon.demo.CordonFramework;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.osgi.framework.Bundle;
import org.slf4j.LoggerFactory;

/**
 * The real zstd-jni and lz4-java jars, unmodified, named by dev.cordon.isolate:
 * their JNI libraries never load into this JVM. A library stays mapped once a
 * JVM has loaded it, so the unisolated runs (which prove the checks can fail)
 * come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JniIsolationTest {
    private static final String PROPERTY = "dev.cordon.isolate";
    private static final String ZSTD = "com.github.luben.zstd-jni";
    private static final String LZ4 = "lz4-java";
    private static final byte[] INPUT = "Cordon isolates JNI bundles. ".repeat(200).getBytes(StandardCharsets.UTF_8);

    @Test
    @Order(1)
    void zstdIsolated_CompressIsRefusedWithTheClearError_AndLibzstdIsNotMapped() throws Exception {
        assertNotMapped("zstd-jni");
        try (CordonFramework osgi = start("jni-zstd-isolated", ZSTD + ";backend=process;memory=256m;deadline=10s")) {
            Throwable t = failure(() -> zstdCompress(osgi));
            String chain = messages(t);
            // both of zstd-jni's ways: Bundle-NativeCode (loadLibrary), then its own copy from the jar (load)
            assertTrue(chain.contains("Cordon: System.loadLibrary(\"zstd-jni-1.5.6-9\") refused"), chain);
            assertTrue(chain.contains("Cordon: System.load(\"") && chain.contains("libzstd-jni-1.5.6-9"), chain);
            assertTrue(chain.contains("bundle " + ZSTD + " is isolated by " + PROPERTY)
                    && chain.contains("remove it from " + PROPERTY), chain);
        }
        assertNotMapped("zstd-jni");
    }

    @Test
    @Order(2)
    void lz4Isolated_NativeInstanceRefused_FastestFallsBackToJava_AndLiblz4IsNotMapped() throws Exception {
        assertNotMapped("lz4-java");
        try (CordonFramework osgi = start("jni-lz4-isolated", LZ4 + ";backend=process")) {
            Class<?> factory = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4Factory");
            String chain = messages(failure(() -> factory.getMethod("nativeInstance").invoke(null)));
            assertTrue(chain.contains("Cordon: System.load(") && chain.contains("lz4-java")
                    && chain.contains("bundle " + LZ4 + " is isolated by " + PROPERTY), chain);
            Object fastest = factory.getMethod("fastestInstance").invoke(null);
            assertEquals("LZ4Factory:JavaUnsafe", fastest.toString(), "lz4-java's own fallback to Java");
            assertArrayEquals(INPUT, lz4RoundTrip(factory, fastest), "the Java fallback still works");
        }
        assertNotMapped("lz4-java");
    }

    @Test
    @Order(3)
    void aMalformedValue_LogsTheProblem_KeepsRunning_AndStillRefusesTheBundle() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger cordon = (Logger) LoggerFactory.getLogger("dev.cordon");
        cordon.addAppender(log);
        try (CordonFramework osgi = start("jni-malformed", ZSTD + ";memroy=256m")) {
            assertEquals(Bundle.ACTIVE, osgi.bundle("dev.cordon.runtime").getState(), "the runtime runs");
            String lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
            assertTrue(lines.contains(PROPERTY + ": bundle " + ZSTD + ": ") && lines.contains("unknown key 'memroy'"),
                    lines);
            assertTrue(lines.contains("could not be read for bundle(s) " + ZSTD) && lines.contains("will be refused"),
                    lines);
            String chain = messages(failure(() -> zstdCompress(osgi)));
            assertTrue(chain.contains("is isolated by " + PROPERTY), chain);
        } finally {
            cordon.detachAppender(log);
        }
        assertNotMapped("zstd-jni");
    }

    @Test
    @Order(4)
    void unisolated_BothLibrariesLoadAndWork() throws Exception {
        try (CordonFramework osgi = start("jni-unisolated", null)) {
            byte[] compressed = (byte[]) zstdCompress(osgi);
            Class<?> zstd = osgi.bundle(ZSTD).loadClass("com.github.luben.zstd.Zstd");
            byte[] back = (byte[]) zstd.getMethod("decompress", byte[].class, int.class)
                    .invoke(null, compressed, INPUT.length);
            assertArrayEquals(INPUT, back);
            Class<?> factory = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4Factory");
            Object lz4 = factory.getMethod("nativeInstance").invoke(null);
            assertArrayEquals(INPUT, lz4RoundTrip(factory, lz4));
        }
        // the checks of the isolated runs can fail: the same check, now true
        assertTrue(mapped("zstd-jni") && mapped("lz4-java"), "both libraries are now mapped");
    }

    private static CordonFramework start(String name, String isolate) throws Exception {
        Map<String, String> properties = isolate == null ? Map.of() : Map.of(PROPERTY, isolate);
        return Framework.start(name, properties,
                List.of(Path.of(System.getProperty("cordon.jni-bundles", "target/jni-bundles"))));
    }

    private static Object zstdCompress(CordonFramework osgi) throws Exception {
        Class<?> zstd = osgi.bundle(ZSTD).loadClass("com.github.luben.zstd.Zstd");
        return zstd.getMethod("compress", byte[].class).invoke(null, (Object) INPUT);
    }

    private static byte[] lz4RoundTrip(Class<?> factoryType, Object factory) throws Exception {
        Object compressor = factoryType.getMethod("fastCompressor").invoke(factory);
        byte[] compressed = (byte[]) compressor.getClass().getMethod("compress", byte[].class)
                .invoke(compressor, (Object) INPUT);
        Object decompressor = factoryType.getMethod("fastDecompressor").invoke(factory);
        return (byte[]) decompressor.getClass().getMethod("decompress", byte[].class, int.class)
                .invoke(decompressor, compressed, INPUT.length);
    }

    private static void assertNotMapped(String library) throws Exception {
        assertFalse(mapped(library), library + " is mapped into this JVM:\n" + mappings(library));
    }

    private static boolean mapped(String library) throws Exception {
        return !mappings(library).isEmpty();
    }

    private static String mappings(String library) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(library))
                .collect(Collectors.joining("\n"));
    }

    interface Call {
        Object run() throws Exception;
    }

    private static Throwable failure(Call call) {
        try {
            Object result = call.run();
            throw new AssertionError("expected a refusal, got " + result);
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (Exception | LinkageError e) {
            return e;
        }
    }

    /** The messages of a throwable and its causes (an ExceptionInInitializerError wraps the refusal). */
    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }
}
