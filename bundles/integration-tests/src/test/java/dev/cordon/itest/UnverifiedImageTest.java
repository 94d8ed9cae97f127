package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.LoggerFactory;

/**
 * An image the loader has not verified runs on process, and on mpk or
 * uswitch only where dev.cordon.unverified names them. The unverified image
 * is the zlib bundle's (built confined) with the confined flag of its ABI
 * note cleared: the loader then treats it as any unconfined image. Here auto
 * picks process; run-in-vm runs the same tests where it picks mpk, then
 * uswitch.
 */
class UnverifiedImageTest {
    /** .note.cordon: name "Cordon" (padded to 8), then ABI version 1 and the flags. */
    private static final byte[] CONFINED_NOTE = {'C', 'o', 'r', 'd', 'o', 'n', 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};

    @Test
    void unverifiedImage_RunsOnlyOnProcess_WithoutTheOptIn() throws Exception {
        ListAppender<ILoggingEvent> log = capture();
        try (CordonFramework osgi = Framework.start("unverified-refused")) {
            Bundle bundle = install(osgi, "refused");
            if (autoRunsInTheJvm()) {
                assertEquals(Bundle.RESOLVED, waitFor(bundle, b -> b.getState() == Bundle.RESOLVED),
                        "refused on " + System.getProperty("cordon.backends"));
                List<ILoggingEvent> errors = events(log, Level.ERROR).stream()
                        .filter(e -> e.getFormattedMessage().contains(bundle.getSymbolicName())).toList();
                assertEquals(1, errors.size(), () -> "one error line: " + errors);
                String line = errors.get(0).getFormattedMessage();
                assertTrue(line.contains(bundle.getSymbolicName()) && line.contains("image is not verified")
                        && line.contains("dev.cordon.unverified"), line);
                assertNull(bundle.getRegisteredServices(), "the refused bundle registered nothing");
            } else {
                assertWorks(osgi, bundle);
            }
        } finally {
            release(log);
        }
    }

    @Test
    void unverifiedImage_RunsInTheJvm_WithTheOptIn_AndTheLogSaysSo() throws Exception {
        ListAppender<ILoggingEvent> log = capture();
        try (CordonFramework osgi = Framework.start("unverified-allowed",
                Map.of("dev.cordon.unverified", "mpk,uswitch"))) {
            Bundle bundle = install(osgi, "allowed");
            assertWorks(osgi, bundle);
            boolean warned = events(log, Level.WARN).stream().map(ILoggingEvent::getFormattedMessage)
                    .anyMatch(l -> l.contains(bundle.getSymbolicName()) && l.contains("UNVERIFIED image")
                            && l.contains("NOT code written to attack Cordon"));
            assertEquals(autoRunsInTheJvm(), warned, "a loud warning exactly where the opt-in is used");
        } finally {
            release(log);
        }
    }

    /** process left out (run-in-vm's passes): auto picks mpk or uswitch. */
    private static boolean autoRunsInTheJvm() {
        String enabled = System.getProperty("cordon.backends");
        return enabled != null && !Arrays.asList(enabled.split(",")).contains("process");
    }

    private static Bundle install(CordonFramework osgi, String variant) throws Exception {
        Path jar = BundleVariant.of(Framework.bundles().resolve("dev.cordon.bundles.zlib.jar"),
                "dev.cordon.unverified." + variant, Map.of(), "native/zlib.so", UnverifiedImageTest::unverified);
        Bundle bundle = osgi.context().installBundle(jar.toUri().toString());
        bundle.start();
        return bundle;
    }

    /** The image with its note's confined flag cleared. */
    static byte[] unverified(byte[] image) {
        for (int i = 0; i + CONFINED_NOTE.length <= image.length; i++) {
            if (Arrays.equals(image, i, i + CONFINED_NOTE.length, CONFINED_NOTE, 0, CONFINED_NOTE.length)) {
                byte[] copy = image.clone();
                copy[i + CONFINED_NOTE.length - 4] = 0;
                return copy;
            }
        }
        throw new AssertionError("the zlib image has no confined .note.cordon: is cordon-cc's default confined?");
    }

    private static void assertWorks(CordonFramework osgi, Bundle bundle) throws Exception {
        waitFor(bundle, b -> b.getRegisteredServices() != null);
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        assertNotNull(refs, "the unverified bundle registered its service");
        Compressor zlib = (Compressor) osgi.context().getService(refs[0]);
        assertTrue(zlib.version(new byte[16]) > 0, "and it answers");
    }

    private static int waitFor(Bundle bundle, Predicate<Bundle> done) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.test(bundle) && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        return bundle.getState();
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

    private static List<ILoggingEvent> events(ListAppender<ILoggingEvent> log, Level level) {
        return log.list.stream().filter(e -> e.getLevel() == level).toList();
    }
}
