package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.DomainTimeoutException;
import dev.cordon.isolation.Domains;
import dev.cordon.isolation.InvalidDomainResultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The soak: 16 callers over three domains (zlib, a second zlib under another
 * name, hostile) while a chaos thread kills, restarts, stops, starts and
 * updates their bundles, and two callers crash the hostile domain on purpose.
 * Every call must give its right answer or a domain exception; a watchdog
 * fails any call that hangs; afterwards every resource is back at its
 * baseline (ResourceSnapshot, margins below).
 *
 * <p>Not in the plain {@code mvn verify} (the pom excludes it): {@code
 * ./cordon test} runs it for a minute as suite {@code soak-short}, {@code
 * ./cordon soak --minutes N} for longer ({@code -Dcordon.soak.seconds}).
 */
class SoakTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Longest legitimate call: zlib's 10 s deadline, a lane wait as long, a 2 s drain; with room. */
    private static final long HANG_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** NMT outside the heap: JIT code and metaspace grow with a long run's compilations. */
    private static final long NATIVE_MARGIN_KB = 64 * 1024;
    private static final long RSS_MARGIN_KB = 256 * 1024;
    private static final int THREAD_MARGIN = 2;

    private static final String ZLIB = "dev.cordon.bundles.zlib";
    private static final String VARIANT = "dev.cordon.soak.zlib";
    private static final String HOSTILE = "dev.cordon.bundles.hostile";
    private static final List<ToLongFunction<Hostile>> CRASHES = List.of(Hostile::nullRead, Hostile::wildWrite,
            Hostile::abort, h -> h.divideByZero(0), Hostile::illegalInstruction, Hostile::stackOverflow);

    private CordonFramework osgi;
    private Domains domains;
    private volatile boolean running = true;
    private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    private final LongAdder calls = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder domainExceptions = new LongAdder();
    private final LongAdder faults = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder chaos = new LongAdder();
    private final LongAdder interrupts = new LongAdder();
    /** Domain exceptions by message, numbers and addresses dropped. */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> reasons = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per caller: System.nanoTime() when its call in flight began, 0 between calls. */
    private final AtomicLongArray inCallSince = new AtomicLongArray(16);
    private final List<Thread> callers = new ArrayList<>();
    /** The domains' own fault and restart counts, summed over every Domain a bundle cycle ended. */
    private long domainFaults;
    private long domainRestarts;

    @Test
    void callsThroughFaultsKillsRestartsAndUpdates_LeaveNothingBehind() throws Exception {
        long seconds = Long.getLong("cordon.soak.seconds", 60);
        osgi = Framework.start("soak", Map.of(), List.of(variantBundleDir()));
        try {
            domains = osgi.service(Domains.class, WAIT);
            settle();
            ResourceSnapshot before = ResourceSnapshot.take();
            startCallers();
            Thread watchdog = Thread.ofPlatform().daemon().name("soak-watchdog").start(this::watch);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int step = 0; running && System.nanoTime() < until; step++) {
                Thread.sleep(1_000);
                chaos(step);
                chaos.increment();
            }
            running = false;
            for (Thread t : callers) {
                t.join(TimeUnit.NANOSECONDS.toMillis(HANG_NANOS));
                if (t.isAlive()) {
                    wrong.add(t.getName() + " did not end: " + Arrays.toString(t.getStackTrace()));
                }
            }
            watchdog.interrupt();
            for (String b : List.of(ZLIB, VARIANT, HOSTILE)) {
                absorbCounts(b);
            }
            settle();
            ResourceSnapshot after = awaitBaseline(before);
            System.out.printf("soak: %d s, %d calls: %d answered, %d domain exceptions (%d on crash entries, %d deadline"
                    + " overruns); %d chaos steps; the domains counted %d faults and %d restarts; %d interrupts%n",
                    seconds, calls.sum(), answered.sum(), domainExceptions.sum(), faults.sum(), timeouts.sum(),
                    chaos.sum(), domainFaults, domainRestarts, interrupts.sum());
            reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .forEach(e -> System.out.println("soak:   " + e.getValue() + " x " + e.getKey()));
            System.out.println("soak: resources: " + after.deltas(before));
            assertEquals(List.of(), List.copyOf(wrong), "wrong answers, unexpected exceptions or hangs");
            assertEquals(List.of(), after.leaksSince(before, NATIVE_MARGIN_KB, RSS_MARGIN_KB, THREAD_MARGIN),
                    "resources not back at their baseline");
        } finally {
            running = false;
            osgi.close();
        }
    }

    /** The zlib bundle again under another symbolic name: a third domain. */
    private static Path variantBundleDir() throws Exception {
        Path dir = Path.of("target", "soak-bundles");
        Files.createDirectories(dir);
        Path copy = BundleVariant.of(Framework.bundles().resolve(ZLIB + ".jar"), VARIANT, Map.of(), "", b -> b);
        Files.move(copy, dir.resolve(VARIANT + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    // --- the callers -----------------------------------------------------------

    private void startCallers() {
        int n = 0;
        for (int i = 0; i < 6; i++) {
            n = caller(n, "zlib", r -> zlibRoundTrip(ZLIB, r));
        }
        for (int i = 0; i < 4; i++) {
            n = caller(n, "variant", r -> zlibRoundTrip(VARIANT, r));
        }
        for (int i = 0; i < 3; i++) {
            n = caller(n, "echo", this::echo);
        }
        for (int i = 0; i < 2; i++) {
            n = caller(n, "crash", this::crash);
        }
        caller(n, "deadline", this::overrun);
    }

    @FunctionalInterface
    private interface Work {
        void once(Random random) throws Exception;
    }

    private int caller(int index, String kind, Work work) {
        Random random = new Random(index);
        callers.add(Thread.ofPlatform().name("soak-" + kind + "-" + index).start(() -> {
            while (running) {
                inCallSince.set(index, System.nanoTime());
                calls.increment();
                try {
                    work.once(random);
                } catch (DomainFailedException e) {
                    domainExceptions.increment();
                    reasons.merge(reason(e), 1L, Long::sum);
                    backOff(); // until the runtime has unregistered the dead domain's services
                } catch (InterruptedException e) {
                    interrupts.increment(); // the framework's doing, outside any call (see service())
                } catch (Throwable e) {
                    wrong.add(Thread.currentThread().getName() + ": " + e);
                } finally {
                    inCallSince.set(index, 0);
                }
            }
        }));
        return index + 1;
    }

    private void zlibRoundTrip(String domain, Random random) throws Exception {
        Compressor zlib = service(Compressor.class, domain);
        byte[] input = ZlibSuite.sample(random.nextBoolean() ? "text" : "random", 100 + random.nextInt(20_000));
        byte[] packed = new byte[input.length + 1_000];
        int n = zlib.deflate(input, packed, 1 + random.nextInt(9));
        byte[] out = new byte[input.length];
        int m = zlib.inflate(Arrays.copyOf(packed, n), out);
        if (m != input.length || !Arrays.equals(input, out)) {
            wrong.add(domain + ": a round trip of " + input.length + " bytes came back as " + m + " other bytes");
        }
        answered.increment();
    }

    private void echo(Random random) throws Exception {
        long v = random.nextLong();
        long got = service(Hostile.class, HOSTILE).echo(v);
        if (got != v) {
            wrong.add("echo(" + v + ") answered " + got);
        }
        answered.increment();
    }

    /** A native fault, or now and then a length the gate must refuse. */
    private void crash(Random random) throws Exception {
        Hostile h = service(Hostile.class, HOSTILE);
        Thread.sleep(20); // a restart per fault: keep within the domain's max-restarts between bundle cycles
        if (random.nextInt(8) == 0) {
            try {
                h.badLength(new byte[100]);
                wrong.add("badLength was answered");
            } catch (InvalidDomainResultException expected) {
                answered.increment();
            }
            return;
        }
        int which = random.nextInt(CRASHES.size());
        try {
            long got = CRASHES.get(which).applyAsLong(h);
            wrong.add("crash entry " + which + " returned " + got);
        } catch (DomainFailedException expected) {
            faults.increment();
            throw expected;
        }
    }

    private void overrun(Random random) throws Exception {
        Hostile h = service(Hostile.class, HOSTILE);
        try {
            long got = random.nextBoolean() ? h.infiniteLoop() : h.sleepMillis(2_500);
            wrong.add("a call past the 2 s deadline returned " + got);
        } catch (DomainTimeoutException expected) {
            timeouts.increment();
            throw expected;
        }
    }

    private static void backOff() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            // the framework's, as in service()
        }
    }

    private static String reason(Exception e) {
        String m = String.valueOf(e.getMessage()).replaceAll("0x[0-9a-f]+|[0-9]+", "#");
        return e.getClass().getSimpleName() + ": " + (m.length() > 90 ? m.substring(0, 90) : m);
    }

    /**
     * The service of one domain for a caller; waits through a restart or a bundle cycle.
     * Felix now and then interrupts a thread that waits here while a bundle
     * stops (the caller counts those and goes on).
     */
    private <T> T service(Class<T> type, String domain) throws Exception {
        return service(type, domain, true);
    }

    /** @param forCaller give up once the soak is over */
    private <T> T service(Class<T> type, String domain, boolean forCaller) throws Exception {
        long until = System.nanoTime() + WAIT.toNanos();
        String filter = "(cordon.domain=" + domain + ")";
        while (true) {
            try {
                Collection<ServiceReference<T>> refs = osgi.context().getServiceReferences(type, filter);
                for (ServiceReference<T> ref : refs) {
                    T service = osgi.context().getService(ref);
                    if (service != null) {
                        return service;
                    }
                }
            } catch (IllegalStateException stoppingMeanwhile) {
                // the reference went away while we looked
            }
            if (forCaller && !running) {
                throw new DomainFailedException(domain + ": the soak is over");
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("no " + type.getSimpleName() + " of " + domain + " for " + WAIT);
            }
            Thread.sleep(5);
        }
    }

    // --- chaos, the watchdog, the end --------------------------------------------

    private void chaos(int step) throws Exception {
        switch (step % 10) {
            case 0 -> kill(HOSTILE);
            case 1 -> domains.restart(osgi.bundle(VARIANT).getBundleId());
            case 2 -> kill(ZLIB);
            case 3 -> cycle(HOSTILE, false);
            case 4 -> domains.restart(osgi.bundle(HOSTILE).getBundleId());
            case 5 -> cycle(VARIANT, true);
            case 6 -> kill(VARIANT);
            case 7 -> cycle(ZLIB, true);
            case 8 -> cycle(ZLIB, false);
            default -> cycle(HOSTILE, true);
        }
    }

    private void kill(String bundle) {
        domains.kill(osgi.bundle(bundle).getBundleId());
    }

    /** Stop and start, or update (and refresh): either ends the bundle's Domain and makes a new one. */
    private void cycle(String name, boolean update) throws Exception {
        absorbCounts(name);
        Bundle bundle = osgi.bundle(name);
        if (update) {
            bundle.update();
            CountDownLatch refreshed = new CountDownLatch(1);
            osgi.context().getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), e -> {
                if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                    refreshed.countDown();
                }
            });
            refreshed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            bundle.stop();
            bundle.start();
        }
    }

    private synchronized void absorbCounts(String bundle) {
        for (DomainInfo d : domains.list()) {
            if (d.bundle().equals(bundle)) {
                domainFaults += d.faults();
                domainRestarts += d.restarts();
            }
        }
    }

    private void watch() {
        while (running) {
            long now = System.nanoTime();
            for (int i = 0; i < callers.size(); i++) {
                long since = inCallSince.get(i);
                if (since != 0 && now - since > HANG_NANOS) {
                    Thread t = callers.get(i);
                    wrong.add(t.getName() + " hangs in a call: " + Arrays.toString(t.getStackTrace()));
                    running = false;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every domain active and answering, no bundle revision left over, garbage collected. */
    private void settle() throws Exception {
        for (String b : List.of(ZLIB, VARIANT, HOSTILE)) {
            Bundle bundle = osgi.bundle(b);
            if (bundle.getState() != Bundle.ACTIVE) {
                bundle.start();
            }
            DomainInfo d = domains.list().stream().filter(x -> x.bundle().equals(b)).findFirst().orElse(null);
            if (d == null || d.state().equals("FAILED")) {
                bundle.stop();
                bundle.start();
            }
        }
        osgi.liveService(Compressor.class, z -> z.crc32(new byte[1]), WAIT);
        service(Compressor.class, VARIANT, false).crc32(new byte[1]);
        osgi.liveService(Hostile.class, h -> h.echo(1), WAIT);
        System.gc();
    }

    /** Waits for what ends by itself (idle threads, the unmapper, reaped hosts), then takes the last snapshot. */
    private static ResourceSnapshot awaitBaseline(ResourceSnapshot before) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            System.gc();
            ResourceSnapshot now = ResourceSnapshot.take();
            if (now.leaksSince(before, NATIVE_MARGIN_KB, RSS_MARGIN_KB, THREAD_MARGIN).isEmpty()
                    || System.nanoTime() > until) {
                return now;
            }
            Thread.sleep(500);
        }
    }
}
