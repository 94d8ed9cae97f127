package dev.cordon.isolation.internal.extender;

import dev.cordon.isolation.Domains;
import dev.cordon.isolation.internal.backend.UnverifiedImages;
import dev.cordon.isolation.internal.domain.DomainFactory;
import dev.cordon.isolation.internal.domain.DomainRegistry;
import dev.cordon.isolation.internal.domain.DomainUids;
import dev.cordon.isolation.internal.jni.JniIsolation;
import dev.cordon.isolation.internal.shell.CordonCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.util.tracker.BundleTracker;

/**
 * Starts the extender, the {@link Domains} service and the Gogo commands; the
 * last two only for the bundles granted them ({@link DomainsGuard}).
 */
public final class CordonActivator implements BundleActivator {
    private ExecutorService background;
    private BundleTracker<?> tracker;

    @Override
    public void start(BundleContext context) throws Exception {
        DomainUids uids;
        UnverifiedImages unverified;
        try {
            unverified = UnverifiedImages.parse(context.getProperty(UnverifiedImages.PROPERTY));
            uids = DomainUids.forJvm(context.getProperty(DomainUids.PROPERTY), effectiveUid());
            Backends.enabledNames(context.getProperty(Backends.ENABLED_PROPERTY));
        } catch (IllegalArgumentException e) {
            throw new BundleException("Cordon: not started: " + e.getMessage(), BundleException.ACTIVATOR_ERROR);
        }
        NativeArtifacts natives = NativeArtifacts.unpack(context.getBundle());
        JniIsolation.start(context, natives);
        background = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("cordon-restarter").factory());
        DomainRegistry registry = new DomainRegistry();
        registry.alsoServe(JniIsolation.domains());
        DomainFactory factory = new DomainFactory(
                Backends.selector(natives, context.getProperty(Backends.ENABLED_PROPERTY), unverified), background, uids);
        // ACTIVE only: a bundle passes through STARTING first, and a refusal there would
        // be retried (and logged again) on ACTIVE. A lazy bundle gets its domain when activated.
        tracker = new BundleTracker<>(context, Bundle.ACTIVE,
                new NativeBundleTracker(context.getBundle(), factory, registry, background));
        // the guard first, so no bundle sees the services it guards unguarded
        DomainsGuard guard = new DomainsGuard(context.getBundle(),
                Set.of(Domains.class.getName(), CordonCommands.class.getName()),
                context.getProperty(DomainsGuard.PROPERTY));
        context.registerService(new String[] {FindHook.class.getName(), EventListenerHook.class.getName()},
                guard, null);
        context.registerService(Domains.class.getName(), guard.serve(registry), null);
        Hashtable<String, Object> commands = new Hashtable<>();
        commands.put("osgi.command.scope", "cordon");
        commands.put("osgi.command.function", new String[] {"domains", "stats", "restart", "kill"});
        context.registerService(CordonCommands.class.getName(), guard.serve(new CordonCommands(registry)), commands);
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
        JniIsolation.stop();
        background.shutdownNow();
    }

    /** The JVM's effective uid: the owner of /proc/self. -1 (not root) where it cannot be read. */
    private static long effectiveUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
