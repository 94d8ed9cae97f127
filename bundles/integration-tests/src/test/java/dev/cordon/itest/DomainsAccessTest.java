package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.Domains;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Killing and restarting domains is for the bundles the administrator names
 * in dev.cordon.domains.admins: every other bundle sees neither the Domains
 * service nor the cordon commands. The example host bundle stands in for any
 * bundle.
 */
class DomainsAccessTest {
    private static final String ADMINS = "dev.cordon.domains.admins";
    private static final String EXAMPLE = "dev.cordon.bundles.example";
    private static final String RUNTIME = "dev.cordon.runtime";
    private static final String COMMANDS = "(osgi.command.scope=cordon)";

    @Test
    void anUngrantedBundle_CannotGetDomains_NorTheCommands() throws Exception {
        try (CordonFramework osgi = Framework.start("domains-ungranted")) {
            osgi.service(Domains.class, Duration.ofSeconds(30)); // the launcher sees it: it is registered
            BundleContext bundle = osgi.bundle(EXAMPLE).getBundleContext();
            assertNull(bundle.getServiceReference(Domains.class.getName()), "Domains is hidden");
            assertNull(bundle.getAllServiceReferences(null, COMMANDS), "the cordon commands are hidden");
            assertEquals(0, trackedBy(bundle), "and no service event tells of them");
            // no hook filters getRegisteredServices(): the services themselves must refuse
            List<ServiceReference<?>> reached = Arrays.stream(osgi.bundle(RUNTIME).getRegisteredServices())
                    .filter(DomainsAccessTest::domainsOrCommands).toList();
            assertEquals(2, reached.size(), () -> "Domains and the commands: " + reached);
            for (ServiceReference<?> reference : reached) {
                assertNull(bundle.getService(reference), () -> reference + " is refused");
            }
        }
    }

    @Test
    void aGrantedBundle_GetsDomains_AndTheCommands() throws Exception {
        try (CordonFramework osgi = Framework.start("domains-granted", Map.of(ADMINS, "some.other, " + EXAMPLE))) {
            osgi.service(Domains.class, Duration.ofSeconds(30));
            BundleContext bundle = osgi.bundle(EXAMPLE).getBundleContext();
            assertNotNull(bundle.getServiceReference(Domains.class.getName()), "Domains is visible");
            assertNotNull(bundle.getAllServiceReferences(null, COMMANDS), "the cordon commands are visible");
            assertEquals(1, trackedBy(bundle));
            assertNotNull(bundle.getService(bundle.getServiceReference(Domains.class.getName())));
        }
    }

    private static boolean domainsOrCommands(ServiceReference<?> reference) {
        return Arrays.stream((String[]) reference.getProperty("objectClass"))
                .anyMatch(type -> type.equals(Domains.class.getName()) || type.endsWith(".CordonCommands"));
    }

    /** How many Domains services a tracker opened by {@code context} sees. */
    private static int trackedBy(BundleContext context) {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, Domains.class.getName(), null);
        tracker.open(true);
        try {
            return tracker.size();
        } finally {
            tracker.close();
        }
    }
}
