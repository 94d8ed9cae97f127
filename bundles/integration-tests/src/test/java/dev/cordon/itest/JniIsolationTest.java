package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cordon.demo.CordonFramework;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * The real zstd-jni and lz4-java jars, unmodified, named by dev.cordon.isolate
 * with backend=process: their JNI libraries run in a cordon-jni-host process,
 * never in this JVM, through the jars' own public Java APIs. A library stays
 * mapped once a JVM has loaded it, so the unisolated runs, which give the
 * reference outputs (and prove the "not mapped" checks can fail), come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JniIsolationTest {
    private static final String PROPERTY = "dev.cordon.isolate";
    private static final String ZSTD = "com.github.luben.zstd-jni";
    private static final String LZ4 = "lz4-java";
    /** With 16 MiB: more than one lane's arena, so every copy goes in pieces. */
    private static final Map<String, byte[]> CORPUS = JniCorpus.inputs(true);
    /** What the isolated runs produced, compared with the unisolated runs at the end. */
    private static final Map<String, byte[]> ISOLATED = new LinkedHashMap<>();

    @Test
    @Order(1)
    void zstdIsolated_RoundTripsOverTheCorpus_AndLibzstdIsNotMapped() throws Exception {
        assertNotMapped("zstd-jni");
        ListAppender<ILoggingEvent> log = capture();
        try (CordonFramework osgi = start("jni-zstd-isolated", ZSTD + ";backend=process;memory=256m;deadline=10s")) {
            Zstd zstd = new Zstd(osgi);
            for (Map.Entry<String, byte[]> input : CORPUS.entrySet()) {
                byte[] compressed = zstd.compress(input.getValue());
                assertArrayEquals(input.getValue(), zstd.decompress(compressed, input.getValue().length),
                        "zstd round trip: " + input.getKey());
                ISOLATED.put("zstd " + input.getKey(), compressed);
            }
            assertTrue(lines(log).contains("Cordon: bundle " + ZSTD + ": JNI library libzstd-jni-1.5.6-9"), lines(log));
            assertTrue(lines(log).contains("loaded into its domain (backend process"), lines(log));
            ISOLATED.putAll(new JniWorkloads(osgi).zstd(CORPUS, true));
        } finally {
            release(log);
        }
        assertNotMapped("zstd-jni");
    }

    @Test
    @Order(2)
    void lz4Isolated_NativeInstanceRoundTripsOverTheCorpus_AndLiblz4IsNotMapped() throws Exception {
        assertNotMapped("lz4-java");
        try (CordonFramework osgi = start("jni-lz4-isolated", LZ4 + ";backend=process;memory=256m")) {
            Lz4 lz4 = Lz4.nativeInstance(osgi);
            assertEquals("LZ4Factory:JNI", lz4.factory.toString(), "the JNI instance, not a fallback");
            for (Map.Entry<String, byte[]> input : CORPUS.entrySet()) {
                byte[] compressed = lz4.compress(input.getValue());
                assertArrayEquals(input.getValue(), lz4.decompress(compressed, input.getValue().length),
                        "lz4 round trip: " + input.getKey());
                ISOLATED.put("lz4 " + input.getKey(), compressed);
            }
        }
        try (CordonFramework osgi = start("jni-lz4-zstd-isolated", LZ4 + ";backend=process;memory=256m," + ZSTD
                + ";backend=process;memory=256m")) {
            ISOLATED.putAll(new JniWorkloads(osgi).lz4(CORPUS));
        }
        assertNotMapped("lz4-java");
    }

    @Test
    @Order(3)
    void sixteenThreadsAtOnce_OnEightLanes_GetTheirOwnResults_AndLeaveNoProcessOrFdBehind() throws Exception {
        try (CordonFramework osgi = start("jni-zstd-threads", ZSTD + ";backend=process;memory=256m;threads=8")) {
            Zstd zstd = new Zstd(osgi);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    byte[] input = ("thread " + t + " ").repeat(1000 + 500 * t).getBytes();
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            byte[] c = zstd.compress(input);
                            assertArrayEquals(input, zstd.decompress(c, input.length), "a round trip of its own");
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, jniHosts(), "one cordon-jni-host serves the domain");
        }
        assertEquals(0, jniHosts(), "the framework's stop ended the domain's process");
        assertEquals(List.of(), channelFds(), "no channel fd is left open in the JVM");
    }

    private static long jniHosts() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("cordon-jni-host")).orElse(false)).count();
    }

    private static List<String> channelFds() throws Exception {
        List<String> open = new java.util.ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains("memfd:cordon")) {
                        open.add(fd + " -> " + target);
                    }
                } catch (java.io.IOException gone) {
                    // closed while we looked
                }
            }
        }
        return open;
    }

    @Test
    @Order(4)
    void aBackendWithoutJniDomains_IsRefusedWithTheClearError() throws Exception {
        try (CordonFramework osgi = start("jni-zstd-mpk", ZSTD + ";backend=mpk")) {
            String chain = messages(failure(() -> new Zstd(osgi).compress(new byte[10])));
            assertTrue(chain.contains("Cordon: System.loadLibrary(\"zstd-jni-1.5.6-9\") refused"), chain);
            assertTrue(chain.contains("JNI libraries on backend mpk are not implemented yet"), chain);
            assertTrue(chain.contains("bundle " + ZSTD + " is isolated by " + PROPERTY)
                    && chain.contains("remove it from " + PROPERTY), chain);
        }
        assertNotMapped("zstd-jni");
    }

    @Test
    @Order(5)
    void aMalformedValue_LogsTheProblem_KeepsRunning_AndStillRefusesTheBundle() throws Exception {
        ListAppender<ILoggingEvent> log = capture();
        try (CordonFramework osgi = start("jni-malformed", ZSTD + ";memroy=256m")) {
            assertEquals(Bundle.ACTIVE, osgi.bundle("dev.cordon.runtime").getState(), "the runtime runs");
            String lines = lines(log);
            assertTrue(lines.contains(PROPERTY + ": bundle " + ZSTD + ": ") && lines.contains("unknown key 'memroy'"),
                    lines);
            assertTrue(lines.contains("could not be read for bundle(s) " + ZSTD) && lines.contains("will be refused"),
                    lines);
            String chain = messages(failure(() -> new Zstd(osgi).compress(new byte[10])));
            assertTrue(chain.contains("is isolated by " + PROPERTY) && chain.contains("could not be read"), chain);
        } finally {
            release(log);
        }
        assertNotMapped("zstd-jni");
    }

    @Test
    @Order(99)
    void unisolated_BothLibrariesLoad_AndTheirOutputsAreTheIsolatedOnes() throws Exception {
        Map<String, byte[]> reference = new LinkedHashMap<>();
        try (CordonFramework osgi = start("jni-unisolated", null)) {
            Zstd zstd = new Zstd(osgi);
            Lz4 lz4 = Lz4.nativeInstance(osgi);
            for (Map.Entry<String, byte[]> input : CORPUS.entrySet()) {
                reference.put("zstd " + input.getKey(), zstd.compress(input.getValue()));
                reference.put("lz4 " + input.getKey(), lz4.compress(input.getValue()));
            }
            reference.putAll(new JniWorkloads(osgi).zstd(CORPUS, true));
            reference.putAll(new JniWorkloads(osgi).lz4(CORPUS));
        }
        assertTrue(mapped("zstd-jni") && mapped("lz4-java"), "both libraries are now mapped");
        for (Map.Entry<String, byte[]> ref : reference.entrySet()) {
            byte[] isolated = ISOLATED.get(ref.getKey());
            assertNotNull(isolated, "no isolated output for " + ref.getKey() + " (did an isolated test fail?)");
            assertArrayEquals(ref.getValue(), isolated, "isolated and unisolated outputs differ: " + ref.getKey());
        }
    }

    /** zstd-jni's public block API, through reflection (the bundle's own classes). */
    static final class Zstd {
        private final Class<?> zstd;

        Zstd(CordonFramework osgi) throws Exception {
            zstd = osgi.bundle(ZSTD).loadClass("com.github.luben.zstd.Zstd");
        }

        byte[] compress(byte[] input) throws Exception {
            return (byte[]) unwrap(() -> zstd.getMethod("compress", byte[].class).invoke(null, (Object) input));
        }

        byte[] decompress(byte[] compressed, int size) throws Exception {
            return (byte[]) unwrap(() -> zstd.getMethod("decompress", byte[].class, int.class)
                    .invoke(null, compressed, size));
        }
    }

    /** lz4-java's block API: fast compressor, fast and safe decompressors. */
    static final class Lz4 {
        final Object factory;
        private final Class<?> type;

        private Lz4(Class<?> type, Object factory) {
            this.type = type;
            this.factory = factory;
        }

        static Lz4 nativeInstance(CordonFramework osgi) throws Exception {
            Class<?> type = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4Factory");
            return new Lz4(type, unwrap(() -> type.getMethod("nativeInstance").invoke(null)));
        }

        byte[] compress(byte[] input) throws Exception {
            Object c = type.getMethod("fastCompressor").invoke(factory);
            return (byte[]) unwrap(() -> c.getClass().getMethod("compress", byte[].class).invoke(c, (Object) input));
        }

        byte[] decompress(byte[] compressed, int size) throws Exception {
            Object fast = type.getMethod("fastDecompressor").invoke(factory);
            byte[] a = (byte[]) unwrap(() -> fast.getClass().getMethod("decompress", byte[].class, int.class)
                    .invoke(fast, compressed, size));
            Object safe = type.getMethod("safeDecompressor").invoke(factory);
            byte[] b = (byte[]) unwrap(() -> safe.getClass().getMethod("decompress", byte[].class, int.class)
                    .invoke(safe, compressed, size));
            assertArrayEquals(a, b, "lz4's fast and safe decompressors agree");
            return a;
        }
    }

    private static CordonFramework start(String name, String isolate) throws Exception {
        Map<String, String> properties = isolate == null ? Map.of() : Map.of(PROPERTY, isolate);
        return Framework.start(name, properties,
                List.of(Path.of(System.getProperty("cordon.jni-bundles", "target/jni-bundles"))));
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger("dev.cordon")).addAppender(log);
        return log;
    }

    private static void release(ListAppender<ILoggingEvent> log) {
        ((Logger) LoggerFactory.getLogger("dev.cordon")).detachAppender(log);
    }

    private static String lines(ListAppender<ILoggingEvent> log) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
    }

    private static void assertNotMapped(String library) throws Exception {
        assertFalse(mapped(library), library + " is mapped into this JVM:\n" + mappings(library));
    }

    private static boolean mapped(String library) throws Exception {
        return !mappings(library).isEmpty();
    }

    /** The JVM's mappings of the library file (a domain's channel is named after its bundle, not its library). */
    private static String mappings(String library) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("/lib" + library))
                .collect(Collectors.joining("\n"));
    }

    interface Call {
        Object run() throws Exception;
    }

    /** The call's result, or the exception it threw, not wrapped by reflection. */
    static Object unwrap(Call call) throws Exception {
        try {
            return call.run();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            if (e.getCause() instanceof Error x) {
                throw x;
            }
            throw e;
        }
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
    static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }
}
