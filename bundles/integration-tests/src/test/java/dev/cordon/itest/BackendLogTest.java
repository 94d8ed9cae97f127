package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The log says what an auto domain's backend contains and what it does not,
 * and warns once, not per domain, when that backend is one that code written
 * to attack it can escape (mpk, uswitch: only where process is left out).
 */
class BackendLogTest {
    private static final String ESCAPABLE = "does NOT contain code written to attack it";

    @Test
    void autoSaysWhatItsBackendContains_AndAnEscapableOneIsWarnedAboutOnce() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger cordon = (Logger) LoggerFactory.getLogger("dev.cordon");
        cordon.addAppender(log);
        try (CordonFramework osgi = Framework.start("backend-log")) {
            Domains domains = osgi.service(Domains.class, Duration.ofSeconds(30));
            osgi.service(dev.cordon.bundles.zlib.Compressor.class, Duration.ofSeconds(30));
            DomainInfo zlib = domains.list().stream().filter(d -> d.bundle().equals("dev.cordon.bundles.zlib"))
                    .findFirst().orElseThrow();
            String backend = zlib.backend();
            List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("dev.cordon.bundles.zlib")
                    && l.contains("gets " + backend + " (backend=auto): it contains ")
                    && l.contains("; it does not contain ")), () -> "the auto line for zlib: " + lines);
            long warnings = log.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(ESCAPABLE)).count();
            boolean escapable = backend.equals("mpk") || backend.equals("uswitch");
            // zlib and hostile both run on auto's pick: two domains, one warning
            assertEquals(escapable ? 1 : 0, warnings, () -> backend + ": " + lines);
        } finally {
            cordon.detachAppender(log);
        }
    }
}
