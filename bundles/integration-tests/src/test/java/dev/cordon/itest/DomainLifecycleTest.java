package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** Domains follow their bundles, and the Domains service (behind cordon:kill/restart) works. */
class DomainLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static CordonFramework osgi;
    private static Domains domains;

    @BeforeAll
    static void start() throws Exception {
        osgi = Framework.start("lifecycle");
        domains = osgi.service(Domains.class, WAIT);
        osgi.service(Hostile.class, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        osgi.close();
    }

    private static long hosts() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().orElse("").endsWith("cordon-host")).count();
    }

    private static DomainInfo domain(String bundle) {
        return domains.list().stream().filter(d -> d.bundle().equals(bundle)).findFirst().orElse(null);
    }

    private static Hostile healthyHostile() throws InterruptedException {
        return osgi.liveService(Hostile.class, h -> h.echo(0), WAIT);
    }

    @Test
    void killThroughTheDomainsService_IsNotAFault_AndRestarts() throws Exception {
        Bundle hostile = osgi.bundle("dev.cordon.bundles.hostile");
        DomainInfo before = domain("dev.cordon.bundles.hostile");
        assertTrue(domains.kill(hostile.getBundleId()));
        // the kill and the restart are asynchronous: wait for the restart to be counted
        long until = System.nanoTime() + WAIT.toNanos();
        while (domain("dev.cordon.bundles.hostile").restarts() == before.restarts() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(9, healthyHostile().echo(9));
        DomainInfo after = domain("dev.cordon.bundles.hostile");
        assertEquals(before.faults(), after.faults(), "the operator's kill is not the domain's fault");
        assertEquals(before.restarts() + 1, after.restarts());
        assertEquals("ACTIVE", after.state());
    }

    /** max-restarts bounds restarts after faults; an operator's kills never use it up. */
    @Test
    void kills_DoNotUseUpMaxRestarts() throws Exception {
        Path jar = BundleVariant.of(Framework.bundles().resolve("dev.cordon.bundles.hostile.jar"),
                "dev.cordon.itest.killed", Map.of("Cordon-Domain", "native/hostile.so;max-restarts=0"), "",
                bytes -> bytes);
        Bundle bundle = osgi.context().installBundle(jar.toUri().toString());
        bundle.start();
        try {
            for (int kill = 1; kill <= 2; kill++) {
                long restarts = domain("dev.cordon.itest.killed").restarts();
                assertTrue(domains.kill(bundle.getBundleId()));
                long until = System.nanoTime() + WAIT.toNanos();
                while (domain("dev.cordon.itest.killed").restarts() == restarts && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                DomainInfo after = domain("dev.cordon.itest.killed");
                assertEquals("ACTIVE", after.state(), "restarted after kill " + kill + " despite max-restarts=0");
                assertEquals(0, after.faults());
                assertEquals(kill, after.restarts());
            }
        } finally {
            bundle.uninstall();
        }
    }

    @Test
    void restartThroughTheDomainsService_GivesAFreshDomain() throws Exception {
        Bundle hostile = osgi.bundle("dev.cordon.bundles.hostile");
        Hostile old = healthyHostile();
        assertTrue(domains.restart(hostile.getBundleId()));
        assertEquals(4, healthyHostile().echo(4));
        try {
            old.echo(1);
            throw new AssertionError("the proxy of the ended domain still answered");
        } catch (DomainFailedException expected) {
            // stateful services are not rebound
        }
    }

    /**
     * Restarts while callers keep calling: each call gets its answer or a
     * domain exception, never anything else (nor a crash: a call that took a
     * lane of a domain being destroyed would touch unmapped memory).
     */
    @Test
    void callsDuringRestarts_GetTheirAnswerOrADomainException() throws Exception {
        Bundle hostile = osgi.bundle("dev.cordon.bundles.hostile");
        healthyHostile();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong answered = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int seed = t;
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = seed; !done.get(); ) {
                        Hostile h = osgi.service(Hostile.class, WAIT);
                        try {
                            while (!done.get()) {
                                i++;
                                if (h.echo(i) != i) {
                                    unexpected.add(new AssertionError("echo(" + i + ") answered wrong"));
                                }
                                answered.incrementAndGet();
                            }
                        } catch (DomainFailedException ended) {
                            // the domain behind this service ended: take the new one
                        }
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }));
        }
        for (int r = 0; r < 5; r++) {
            Thread.sleep(100);
            assertTrue(domains.restart(hostile.getBundleId()));
        }
        Thread.sleep(100);
        done.set(true);
        for (Thread t : callers) {
            t.join(WAIT.toMillis());
        }
        assertEquals(List.of(), List.copyOf(unexpected));
        assertTrue(answered.get() > 0);
        assertEquals(5, healthyHostile().echo(5));
    }

    @Test
    void stoppingABundle_WithCallsInFlight_EndsThemAndItsHost() throws Exception {
        Bundle hostile = osgi.bundle("dev.cordon.bundles.hostile");
        Hostile h = healthyHostile();
        long hostsBefore = hosts();
        boolean hasHost = domain("dev.cordon.bundles.hostile").backend().equals("process");
        ConcurrentLinkedQueue<Object> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    outcomes.add(h.sleepMillis(1_500));
                } catch (DomainFailedException e) {
                    outcomes.add(e);
                }
            }));
        }
        Thread.sleep(200);
        hostile.stop();
        for (Thread t : callers) {
            t.join(10_000);
        }
        assertEquals(2, outcomes.size(), "every caller returned: " + outcomes);
        assertNull(hostile.getRegisteredServices());
        assertNull(domain("dev.cordon.bundles.hostile"));
        if (hasHost) {
            assertEquals(hostsBefore - 1, hosts(), "the hostile domain's cordon-host is gone");
        }
        hostile.start();
        assertEquals(2, healthyHostile().echo(2), "a restarted bundle gets a new domain");
    }
}
