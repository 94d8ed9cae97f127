package dev.cordon.isolation.internal.extender;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

/**
 * Hides the runtime's power over domains (the {@code Domains} service and the
 * Gogo commands, which can kill and restart any domain) from every bundle the
 * administrator did not name in {@link #PROPERTY}. The launcher (the system
 * bundle) and the runtime itself always see them.
 *
 * <p>The hooks hide the services from look-ups and events; the services are
 * also registered through {@link #serve}, because a bundle can still reach a
 * reference through {@code Bundle.getRegisteredServices()}, which no hook
 * filters: getting the service then gives it null.
 */
final class DomainsGuard implements FindHook, EventListenerHook {
    /**
     * Framework property: the symbolic names of the bundles that may see and
     * use {@code Domains} and the cordon commands, comma-separated (default:
     * none). {@code ./cordon shell} names {@code org.apache.felix.gogo.runtime}.
     */
    static final String PROPERTY = "dev.cordon.domains.admins";

    private final Bundle runtime;
    private final Set<String> guardedTypes;
    private final Set<String> admins;

    DomainsGuard(Bundle runtime, Set<String> guardedTypes, String admins) {
        this.runtime = runtime;
        this.guardedTypes = Set.copyOf(guardedTypes);
        this.admins = admins == null ? Set.of() : Arrays.stream(admins.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        if (!mayUse(context)) {
            references.removeIf(this::guarded);
        }
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        if (guarded(event.getServiceReference())) {
            listeners.keySet().removeIf(context -> !mayUse(context));
        }
    }

    /** The service, for the bundles that may use it; null for the others. */
    <S> ServiceFactory<S> serve(S service) {
        return new ServiceFactory<>() {
            @Override
            public S getService(Bundle bundle, ServiceRegistration<S> registration) {
                return mayUse(bundle) ? service : null;
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<S> registration, S unused) {
            }
        };
    }

    private boolean guarded(ServiceReference<?> reference) {
        if (!runtime.equals(reference.getBundle())) {
            return false;
        }
        Object types = reference.getProperty(Constants.OBJECTCLASS);
        return types instanceof String[] names && Arrays.stream(names).anyMatch(guardedTypes::contains);
    }

    private boolean mayUse(BundleContext context) {
        return mayUse(context.getBundle());
    }

    private boolean mayUse(Bundle bundle) {
        return bundle.getBundleId() == Constants.SYSTEM_BUNDLE_ID || bundle.equals(runtime)
                || admins.contains(bundle.getSymbolicName());
    }
}
