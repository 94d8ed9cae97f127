package dev.cordon.isolation.internal.jni;

import java.util.Locale;
import org.osgi.framework.BundleContext;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads dev.cordon.isolate, says what it will do, and registers the weaver. */
public final class JniIsolation {
    private static final Logger LOG = LoggerFactory.getLogger(JniIsolation.class);

    private JniIsolation() {
    }

    public static void start(BundleContext context) {
        IsolatedBundles isolated = IsolatedBundles.parse(context.getProperty(IsolatedBundles.PROPERTY));
        for (String error : isolated.errors()) {
            LOG.error("Cordon: {}", error);
        }
        if (!isolated.unreadable().isEmpty()) {
            LOG.error("Cordon: {} could not be read for bundle(s) {}: they are isolated anyway, and every"
                    + " native library load of theirs will be refused", IsolatedBundles.PROPERTY,
                    String.join(", ", isolated.unreadable().stream().sorted().toList()));
        }
        isolated.policies().forEach((name, policy) -> LOG.info("Cordon: bundle {} isolated by {} (backend {}):"
                + " its native library loads will be refused, JNI libraries in domains are not implemented"
                + " yet (issue 12)", name, IsolatedBundles.PROPERTY,
                policy.backend().name().toLowerCase(Locale.ROOT)));
        if (!isolated.policies().isEmpty() || !isolated.unreadable().isEmpty()) {
            context.registerService(WeavingHook.class, new JniWeavingHook(isolated), null);
        }
    }
}
