package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.Domains;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.LoggerFactory;

/**
 * Framework property dev.cordon.uswitch.uids off uswitch (the property's
 * effect on uswitch: PolicyEnforcementTest, in the VM).
 */
class UswitchUidsPropertyTest {
    private static final String PROPERTY = "dev.cordon.uswitch.uids";

    @Test
    void aBadValue_LeavesTheRuntimeUnstarted_NamingTheProperty() throws Exception {
        try (CordonFramework osgi = Framework.start("uids-bad", Map.of(PROPERTY, "0-1000"))) {
            Bundle runtime = osgi.bundle("dev.cordon.runtime");
            assertNotEquals(Bundle.ACTIVE, runtime.getState(), "the runtime did not start");
            assertTrue(osgi.context().getServiceReference(Domains.class) == null, "no Domains service");
            BundleException e = assertThrows(BundleException.class, runtime::start);
            String text = e.getMessage() + " / " + e.getCause();
            assertTrue(text.contains(PROPERTY + ": 0-1000") && text.contains("from 1 to"), text);
        }
    }

    @Test
    void offUswitch_NotApplied_AndTheLogSaysSo() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger cordon = (Logger) LoggerFactory.getLogger("dev.cordon");
        cordon.addAppender(log);
        try (CordonFramework osgi = Framework.start("uids-off-uswitch", Map.of(PROPERTY, "100000-165535"))) {
            Compressor zlib = osgi.service(Compressor.class, Duration.ofSeconds(30));
            String backend = (String) osgi.context().getServiceReference(Compressor.class).getProperty("cordon.backend");
            Assumptions.assumeFalse(backend.equals("uswitch"), "zlib runs on uswitch here");
            assertTrue(zlib.version(new byte[16]) > 0, "zlib starts and answers");
            String line = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("dev.cordon.bundles.zlib") && m.contains(PROPERTY))
                    .findFirst().orElse("(none)");
            assertTrue(line.contains("on " + backend + ": " + PROPERTY + " not applied")
                    && line.contains("JVM's uid"), line);
        } finally {
            cordon.detachAppender(log);
        }
    }
}
