package dev.cordon.isolation.internal.extender;

import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.domain.Domain;
import dev.cordon.isolation.internal.domain.DomainFactory;
import dev.cordon.isolation.internal.domain.DomainRegistry;
import java.util.concurrent.Executor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender: a domain for every active bundle whose extender requirement
 * is wired to this runtime; the domain ends when the bundle stops.
 */
final class NativeBundleTracker implements BundleTrackerCustomizer<Domain> {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBundleTracker.class);
    static final String EXTENDER = "dev.cordon.isolation";
    /** EXTENDER_NAMESPACE, spelt out: the framework need not export that package. */
    private static final String EXTENDER_NAMESPACE = "osgi.extender";

    private final Bundle runtime;
    private final DomainFactory factory;
    private final DomainRegistry registry;
    private final Executor background;

    NativeBundleTracker(Bundle runtime, DomainFactory factory, DomainRegistry registry, Executor background) {
        this.runtime = runtime;
        this.factory = factory;
        this.registry = registry;
        this.background = background;
    }

    @Override
    public Domain addingBundle(Bundle bundle, BundleEvent event) {
        if (!extendedByUs(bundle)) {
            return null;
        }
        try {
            Domain domain = factory.start(bundle);
            registry.add(domain);
            LOG.info("Cordon: {} [{}] isolated on {}", bundle.getSymbolicName(), bundle.getBundleId(),
                    domain.info().backend());
            return domain;
        } catch (DomainStartException | RuntimeException e) {
            LOG.error("Cordon: bundle {} [{}] not started: {}", bundle.getSymbolicName(), bundle.getBundleId(),
                    withoutName(e.getMessage(), bundle));
            // CONCURRENCY: the framework holds the bundle's lock while it tells us; stop it afterwards
            background.execute(() -> stopQuietly(bundle));
            return null;
        }
    }

    /** Messages from below start with the bundle's name; the log line names it once. */
    private static String withoutName(String message, Bundle bundle) {
        String name = bundle.getSymbolicName();
        for (String prefix : new String[] {name + " [" + bundle.getBundleId() + "]: ", name + ": "}) {
            if (message != null && message.startsWith(prefix)) {
                return message.substring(prefix.length());
            }
        }
        return message;
    }

    private boolean extendedByUs(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            return false;
        }
        for (BundleWire wire : wiring.getRequiredWires(EXTENDER_NAMESPACE)) {
            if (EXTENDER.equals(wire.getCapability().getAttributes().get(EXTENDER_NAMESPACE))
                    && wire.getProvider().getBundle().equals(runtime)) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(Bundle bundle) {
        try {
            bundle.stop(Bundle.STOP_TRANSIENT);
        } catch (BundleException | IllegalStateException e) {
            LOG.debug("Cordon: could not stop {}: {}", bundle.getSymbolicName(), e.getMessage());
        }
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, Domain domain) {
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, Domain domain) {
        registry.remove(domain);
        domain.stop();
        LOG.info("Cordon: {} [{}] domain destroyed", bundle.getSymbolicName(), bundle.getBundleId());
    }
}
