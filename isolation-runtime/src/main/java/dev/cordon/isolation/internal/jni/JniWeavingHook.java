package dev.cordon.isolation.internal.jni;

import java.util.Optional;
import org.osgi.framework.hooks.weaving.WeavingException;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;

/**
 * Weaves the classes of the bundles named by dev.cordon.isolate so that their
 * native library loads reach {@link dev.cordon.isolation.jni.NativeLoads}.
 */
public final class JniWeavingHook implements WeavingHook {
    private static final String IMPORT = "dev.cordon.isolation.jni";

    private final IsolatedBundles isolated;

    public JniWeavingHook(IsolatedBundles isolated) {
        this.isolated = isolated;
    }

    @Override
    public void weave(WovenClass woven) {
        if (!isolated.isolates(woven.getBundleWiring().getBundle().getSymbolicName())) {
            return;
        }
        Optional<byte[]> rewritten;
        try {
            rewritten = new NativeLoadRewriter(woven.getBundleWiring().getClassLoader()).rewrite(woven.getBytes());
        } catch (RuntimeException e) {
            // WeavingException fails this class's definition without blacklisting the hook:
            // a class we cannot rewrite must not be defined with its loads intact.
            throw new WeavingException("Cordon: cannot rewrite the native loads of " + woven.getClassName()
                    + " (its bundle is isolated by " + IsolatedBundles.PROPERTY + "): " + e, e);
        }
        if (rewritten.isPresent()) {
            woven.setBytes(rewritten.get());
            woven.getDynamicImports().add(IMPORT);
        }
    }
}
