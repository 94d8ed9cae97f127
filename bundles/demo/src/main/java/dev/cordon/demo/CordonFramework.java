package dev.cordon.demo;

import dev.cordon.isolation.DomainFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * An embedded OSGi framework with the Cordon runtime and a directory of
 * bundles: the host application of the demo, the shell, the integration
 * tests and the benchmarks.
 *
 * <p>The API packages of the bundles are also on the application's class path
 * and exported by the system bundle, so the application can call the
 * services it gets from the registry with its own types.
 */
public final class CordonFramework implements AutoCloseable {
    /** Exported by the system bundle; versions match the bundles' package-info. */
    static final String SYSTEM_PACKAGES = String.join(",",
            "org.slf4j;version=2.0.17", "org.slf4j.event;version=2.0.17", "org.slf4j.spi;version=2.0.17",
            "org.slf4j.helpers;version=2.0.17",
            "dev.cordon.isolation;version=1.0.0",
            "dev.cordon.bundles.zlib;version=1.0.0",
            "dev.cordon.bundles.hostile;version=1.3.0",
            "dev.cordon.bundles.example;version=1.0.0");

    private final Framework framework;

    private CordonFramework(Framework framework) {
        this.framework = framework;
    }

    /** Starts a fresh framework (empty cache under {@code storage}) with every bundle in the directories. */
    public static CordonFramework start(Path storage, List<Path> bundleDirs) throws IOException, BundleException {
        return start(storage, bundleDirs, Map.of());
    }

    /** The same, with extra framework properties (e.g. {@code dev.cordon.backends}). */
    public static CordonFramework start(Path storage, List<Path> bundleDirs, Map<String, String> properties)
            throws IOException, BundleException {
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SYSTEM_PACKAGES);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(config);
        framework.start();
        List<Bundle> installed = new ArrayList<>();
        for (Path dir : bundleDirs) {
            for (Path jar : jars(dir)) {
                installed.add(framework.getBundleContext().installBundle(jar.toUri().toString()));
            }
        }
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    bundle.start();
                } catch (BundleException e) {
                    // reported by the framework and by Cordon's log; the others still start
                    System.err.println("bundle " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
                }
            }
        }
        return new CordonFramework(framework);
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    public Bundle bundle(String symbolicName) {
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new IllegalArgumentException("no bundle " + symbolicName);
    }

    /** Waits for a service; throws if none appears in time. */
    public <T> T service(Class<T> type, Duration timeout) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(timeout.toMillis());
            if (service == null) {
                throw new IllegalStateException("no " + type.getName() + " service within " + timeout);
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    /**
     * A service that answers: after a fault the domain restarts and registers
     * a fresh service while the old one is still going away, so retry the
     * probe on {@link DomainFailedException} until the timeout.
     */
    public <T> T liveService(Class<T> type, Consumer<T> probe, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            T service = service(type, timeout);
            try {
                probe.accept(service);
                return service;
            } catch (DomainFailedException stale) {
                if (System.nanoTime() > until) {
                    throw stale;
                }
                Thread.sleep(10);
            }
        }
    }

    public void waitForStop(Duration timeout) throws InterruptedException {
        framework.waitForStop(timeout.toMillis());
    }

    @Override
    public void close() throws BundleException, InterruptedException {
        framework.stop();
        framework.waitForStop(30_000);
    }
}
