package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.CordonFramework;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The process backend's helper threads (the reaper waiting for every
 * cordon-host, the unmapper) end once no host is left: a framework that is
 * stopped, or a Cordon bundle that is refreshed, leaves none behind. Each
 * start loads the bundle's classes anew, so a thread that never ended kept
 * every old copy of them alive (before, a CI run had 8 reapers and 7
 * unmappers by this point).
 */
class HelperThreadsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Set<String> HELPERS = Set.of("cordon-reaper", "cordon-unmapper");

    private static long helpers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> HELPERS.contains(t.getName())).count();
    }

    @Test
    void reaperAndUnmapper_EndWhenTheirFrameworkStops() throws Exception {
        try (CordonFramework osgi = Framework.start("helper-threads", Map.of("dev.cordon.backends", "process"))) {
            Compressor zlib = osgi.service(Compressor.class, WAIT);
            assertEquals(0, zlib.noop(), "zlib answers on the process backend");
            assertTrue(helpers() > 0, "the reaper waits for the host");
        }
        long until = System.nanoTime() + WAIT.toNanos();
        while (helpers() > 0 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertEquals(0, helpers(), "no reaper or unmapper left once the framework stopped");
    }
}
