package dev.cordon.isolation.internal.jni;

import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.extender.Backends;
import dev.cordon.isolation.internal.extender.NativeArtifacts;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.policy.BackendChoice;
import dev.cordon.isolation.internal.policy.Policy;
import dev.cordon.isolation.internal.process.ProcessBackend;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads dev.cordon.isolate, says what it will do, registers the weaver, and
 * serves the woven loads ({@link dev.cordon.isolation.jni.NativeLoads}): a
 * library of a bundle isolated on {@code process} (or {@code auto}) goes into
 * the bundle's {@link JniDomain}; on {@code inprocess} it loads into the JVM
 * as if unwoven; anything else is refused.
 */
public final class JniIsolation {
    private static final Logger LOG = LoggerFactory.getLogger(JniIsolation.class);
    /** The runtime of this class loader (one per runtime bundle), once started. */
    private static volatile JniIsolation active;

    private final BundleContext context;
    private final IsolatedBundles isolated;
    private final Backend process;
    private final Set<String> enabled;
    private final LibraryCopies copies;
    private final Map<String, JniDomain> domains = new ConcurrentHashMap<>();

    private JniIsolation(BundleContext context, IsolatedBundles isolated, NativeArtifacts natives) {
        this.context = context;
        this.isolated = isolated;
        this.process = new ProcessBackend(new LibCordon(natives.library()), natives.jniHost());
        this.enabled = Backends.enabledNames(context.getProperty(Backends.ENABLED_PROPERTY));
        this.copies = new LibraryCopies(context.getDataFile("jni").toPath());
        JniShim.load(natives.jniShim());
    }

    public static void start(BundleContext context, NativeArtifacts natives) {
        IsolatedBundles isolated = IsolatedBundles.parse(context.getProperty(IsolatedBundles.PROPERTY));
        for (String error : isolated.errors()) {
            LOG.error("Cordon: {}", error);
        }
        if (!isolated.unreadable().isEmpty()) {
            LOG.error("Cordon: {} could not be read for bundle(s) {}: they are isolated anyway, and every"
                    + " native library load of theirs will be refused", IsolatedBundles.PROPERTY,
                    String.join(", ", isolated.unreadable().stream().sorted().toList()));
        }
        isolated.policies().forEach((name, policy) -> LOG.info("Cordon: bundle {} isolated by {} (backend {}): {}",
                name, IsolatedBundles.PROPERTY, policy.backend().label(), plan(policy)));
        if (!isolated.policies().isEmpty() || !isolated.unreadable().isEmpty()) {
            active = new JniIsolation(context, isolated, natives);
            context.registerService(WeavingHook.class, new JniWeavingHook(isolated), null);
        }
    }

    /** The JNI domains, for cordon:domains and the Domains service; null when none can exist. */
    public static Domains domains() {
        JniIsolation runtime = active;
        if (runtime == null) {
            return null;
        }
        return new Domains() {
            @Override
            public List<DomainInfo> list() {
                return runtime.domains.values().stream().map(JniDomain::info).toList();
            }

            @Override
            public boolean kill(long bundleId) {
                return runtime.byId(bundleId).map(d -> d.kill("killed by request")).orElse(false);
            }

            @Override
            public boolean restart(long bundleId) {
                return runtime.byId(bundleId).map(JniDomain::restartNow).orElse(false);
            }
        };
    }

    private Optional<JniDomain> byId(long bundleId) {
        return domains.values().stream().filter(d -> d.bundleId() == bundleId).findFirst();
    }

    public static void stop() {
        JniIsolation was = active;
        active = null;
        if (was != null) {
            was.domains.values().forEach(JniDomain::stop);
        }
    }

    private static String plan(Policy policy) {
        return switch (policy.backend()) {
            case PROCESS, AUTO -> "its JNI libraries load into a process domain";
            case INPROCESS -> "its JNI libraries load into the JVM, unisolated (for debugging)";
            default -> "its native library loads will be refused: JNI libraries on " + policy.backend().label()
                    + " are not implemented yet (issue 12)";
        };
    }

    /**
     * A woven load. {@code library} is a path ({@code System.load}) or a name to
     * find through the bundle's class loader ({@code System.loadLibrary}).
     *
     * @throws UnsatisfiedLinkError when it is refused or fails, as the JDK's load would
     */
    public static void load(Class<?> caller, String call, String library, boolean byName) {
        JniIsolation runtime = active;
        Bundle bundle = FrameworkUtil.getBundle(caller);
        Policy policy = runtime == null || bundle == null ? null : runtime.isolated.policies().get(bundle.getSymbolicName());
        if (policy == null) {
            throw Refusals.refusal(caller, call, library, runtime == null || bundle == null ? Refusals.NO_RUNTIME
                    : Refusals.UNREADABLE);
        }
        switch (policy.backend()) {
            case PROCESS, AUTO -> runtime.intoDomain(bundle, policy, caller, call, library, byName);
            case INPROCESS -> unisolated(caller, call, library, byName);
            default -> throw Refusals.refusal(caller, call, library, "JNI libraries on backend "
                    + policy.backend().label() + " are not implemented yet (issue 12)");
        }
    }

    private void intoDomain(Bundle bundle, Policy policy, Class<?> caller, String call, String library, boolean byName) {
        if (enabled != null && !enabled.contains(BackendChoice.PROCESS.label())) {
            throw Refusals.refusal(caller, call, library, "the process backend is not enabled ("
                    + Backends.ENABLED_PROPERTY + ")");
        }
        Path path = byName ? Refusals.findLibrary(caller, call, library) : Path.of(library);
        Path copy;
        try {
            copy = copies.copyOf(path);
        } catch (IOException e) {
            throw Refusals.refusal(caller, call, library, "cannot read the library: " + e.getMessage());
        }
        String name = bundle.getSymbolicName();
        JniDomain domain = domains.compute(name, (n, old) -> {
            if (old != null && old.serves(bundle)) {
                return old;
            }
            if (old != null) {
                old.stop(); // the bundle was updated or refreshed: its new classes need their own domain
            }
            return new JniDomain(bundle, policy, process, context.getDataFile("jni-data/" + n).toPath());
        });
        boolean first = domain.library() == null;
        domain.load(copy);
        if (first) {
            LOG.info("Cordon: bundle {}: JNI library {} loaded into its domain (backend process, {} native"
                    + " methods bound); it is not loaded into the JVM", name, path.getFileName(), domain.boundMethods());
        }
    }

    /** inprocess: the JDK's own load, as the caller would have made it (its class loader). */
    private static void unisolated(Class<?> caller, String call, String library, boolean byName) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(caller, MethodHandles.lookup());
            lookup.findStatic(System.class, byName ? "loadLibrary" : "load",
                    MethodType.methodType(void.class, String.class)).invoke(library);
            LOG.warn("Cordon: bundle {}: {}(\"{}\") loaded into the JVM, unisolated (backend inprocess)",
                    FrameworkUtil.getBundle(caller).getSymbolicName(), call, library);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new UnsatisfiedLinkError("Cordon: " + call + "(\"" + library + "\"): " + t);
        }
    }
}
