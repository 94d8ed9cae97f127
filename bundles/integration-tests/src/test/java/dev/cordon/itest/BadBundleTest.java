package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.Domains;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.slf4j.LoggerFactory;

/**
 * A broken native bundle stays unstarted with one clear log line, and nothing
 * else is affected. The broken bundles are the zlib bundle with one defect each.
 * Every case holds on each backend auto can pick (run-in-vm: mpk, uswitch); the
 * loader's reasons are matched without the "image: " that only cordon-host adds.
 */
class BadBundleTest {
    private static CordonFramework osgi;
    private static Compressor zlib;
    private ListAppender<ILoggingEvent> log;

    @BeforeAll
    static void start() throws Exception {
        osgi = Framework.start("bad-bundles");
        zlib = osgi.service(Compressor.class, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        osgi.close();
    }

    @BeforeEach
    void captureLog() {
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger("dev.cordon")).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("dev.cordon")).detachAppender(log);
    }

    @Test
    void malformedImage_LeavesBundleUnstarted_WithOneLogLine() throws Exception {
        assertRefused("truncated-image", attributes -> attributes, image -> Arrays.copyOf(image, 700),
                "program header 0: PT_LOAD past end of file");
    }

    @Test
    void garbageImage_LeavesBundleUnstarted_WithOneLogLine() throws Exception {
        assertRefused("garbage-image", attributes -> attributes, image -> "not an elf".getBytes(),
                "image too small for an ELF header");
    }

    @Test
    void badPolicyHeader_LeavesBundleUnstarted_WithOneLogLine() throws Exception {
        assertRefused("bad-header", attributes -> {
            attributes.putValue("Cordon-Domain", "native/zlib.so;memory=lots");
            return attributes;
        }, image -> image, "memory=lots is not a number with an optional unit");
    }

    @Test
    void unknownPolicyKey_LeavesBundleUnstarted_WithOneLogLine() throws Exception {
        assertRefused("unknown-key", attributes -> {
            attributes.putValue("Cordon-Domain", "native/zlib.so;memroy=64m");
            return attributes;
        }, image -> image, "unknown key 'memroy'");
    }

    @Test
    void missingSymbol_LeavesBundleUnstarted_WithOneLogLine() throws Exception {
        assertRefused("missing-symbol", attributes -> {
            attributes.putValue("Cordon-Service", "dev.cordon.bundles.zlib.Compressor;deflate=zc_no_such_function");
            return attributes;
        }, image -> image, "exports no symbol 'zc_no_such_function'");
    }

    @Test
    void aBackendThatCannotBeHad_IsRefused_NeverSwapped() throws Exception {
        Refusal expected = refusalHere();
        assertRefused("wants-" + expected.backend(), attributes -> {
            attributes.putValue("Cordon-Domain", "native/zlib.so;backend=" + expected.backend());
            return attributes;
        }, image -> image, expected.reason());
    }

    record Refusal(String backend, String reason) {
    }

    /**
     * A backend this run's runtime cannot give, and the reason it gives, from
     * what is true here: the enabled backends (run-in-vm's cordon.backends,
     * which Framework passes on) and the CPU.
     */
    private static Refusal refusalHere() {
        String property = System.getProperty("cordon.backends");
        List<String> enabled = property == null ? null : Arrays.stream(property.split(",")).map(String::trim).toList();
        if (enabled != null && !enabled.contains("uswitch")) {
            return new Refusal("uswitch", "backend uswitch is not enabled here");
        }
        if (!MpkMachine.present()) {
            return new Refusal("uswitch", "uswitch cannot run here: ");
        }
        if (enabled != null && !enabled.contains("process")) {
            return new Refusal("process", "backend process is not enabled here");
        }
        Assumptions.abort("every backend is enabled and the CPU has PKU: whether uswitch runs depends on the kernel");
        return null;
    }

    private void assertRefused(String variant, UnaryOperator<Attributes> manifest, UnaryOperator<byte[]> image,
            String reason) throws Exception {
        Path jar = brokenCopy(variant, manifest, image);
        Bundle bundle = osgi.context().installBundle(jar.toUri().toString());
        try {
            bundle.start();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (bundle.getState() != Bundle.RESOLVED && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(Bundle.RESOLVED, bundle.getState(), "the broken bundle is stopped again");
            List<ILoggingEvent> errors = log.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
            assertEquals(1, errors.size(), () -> "one error line: " + errors);
            String line = errors.get(0).getFormattedMessage();
            assertTrue(line.contains(bundle.getSymbolicName()) && line.contains(reason), line);
            assertNull(bundle.getRegisteredServices(), "the broken bundle registered nothing");
            Domains domains = osgi.service(Domains.class, Duration.ofSeconds(5));
            assertTrue(domains.list().stream().noneMatch(d -> d.bundleId() == bundle.getBundleId()));
            byte[] out = new byte[16];
            assertTrue(zlib.version(out) > 0, "zlib is unaffected");
        } finally {
            bundle.uninstall();
        }
    }

    /** The zlib bundle, renamed, with its manifest or its image changed. */
    private static Path brokenCopy(String variant, UnaryOperator<Attributes> manifest, UnaryOperator<byte[]> image)
            throws IOException {
        Attributes headers = manifest.apply(new Attributes());
        Map<String, String> changed = new HashMap<>();
        headers.forEach((k, v) -> changed.put(k.toString(), v.toString()));
        return BundleVariant.of(Framework.bundles().resolve("dev.cordon.bundles.zlib.jar"),
                "dev.cordon.broken." + variant.replace('-', '.'), changed, "native/zlib.so", image);
    }
}
