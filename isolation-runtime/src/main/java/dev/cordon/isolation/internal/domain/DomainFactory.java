package dev.cordon.isolation.internal.domain;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.BackendSelector;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.gate.GateBindingException;
import dev.cordon.isolation.internal.policy.BackendChoice;
import dev.cordon.isolation.internal.policy.InvalidManifestException;
import dev.cordon.isolation.internal.policy.Policy;
import dev.cordon.isolation.internal.policy.PolicyParser;
import dev.cordon.isolation.internal.policy.ServiceDeclaration;
import dev.cordon.isolation.internal.policy.ServiceParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a native bundle's headers and image and builds its domain. */
public final class DomainFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DomainFactory.class);
    /** Images larger than this are refused before being read. */
    static final long MAX_IMAGE_BYTES = 256L << 20;

    private final BackendSelector selector;
    private final Executor restarter;
    /** Null: every domain runs with the JVM's uid. */
    private final DomainUids uids;
    /** The backends whose limit has been logged: once per runtime is enough to be seen. */
    private final Set<BackendChoice> warnedAbout = ConcurrentHashMap.newKeySet();

    public DomainFactory(BackendSelector selector, Executor restarter, DomainUids uids) {
        this.selector = selector;
        this.restarter = restarter;
        this.uids = uids;
    }

    /** Builds and starts the domain; every failure is one line naming the bundle and the cause. */
    public Domain start(Bundle bundle) throws DomainStartException {
        String name = bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
        Policy policy;
        List<ServiceDeclaration> declarations;
        try {
            policy = PolicyParser.parse(bundle.getHeaders("").get(PolicyParser.HEADER));
            String services = bundle.getHeaders("").get(ServiceParser.HEADER);
            declarations = services == null ? List.of() : ServiceParser.parse(services);
        } catch (InvalidManifestException e) {
            throw new DomainStartException(name + ": " + e.getMessage());
        }
        List<ServiceBinding> bindings = new ArrayList<>();
        for (ServiceDeclaration declaration : declarations) {
            bindings.add(bind(bundle, name, declaration));
        }
        Backend backend = selector.select(policy.backend());
        logChoice(name, policy.backend(), backend.kind());
        OptionalLong uid = uidOf(bundle, name, backend);
        Domain domain = new Domain(bundle, policy, readImage(bundle, name, policy.image()), bindings, backend,
                dataDir(bundle, name, policy, uid), uid, restarter);
        domain.start();
        return domain;
    }

    /**
     * Says what the domain's backend contains: for auto at info, for a backend
     * that hostile code can escape once per runtime and loudly, for inprocess
     * every time.
     */
    private void logChoice(String name, BackendChoice asked, BackendChoice kind) {
        if (kind == BackendChoice.INPROCESS) {
            LOG.warn("Cordon: *** {} runs IN-PROCESS: NO ISOLATION, a fault in its native code ends the JVM ***", name);
            return;
        }
        if (asked == BackendChoice.AUTO) {
            LOG.info("Cordon: {} gets {} (backend=auto): it contains {}; it does not contain {}",
                    name, kind.label(), kind.contains(), kind.doesNotContain());
        }
        if (kind.escapableByHostileCode() && warnedAbout.add(kind)) {
            LOG.warn("Cordon: *** {} runs on {}: {} contains {}; it does NOT contain {} ***",
                    name, kind.label(), kind.label(), kind.contains(), kind.doesNotContain());
        }
    }

    private static ServiceBinding bind(Bundle bundle, String name, ServiceDeclaration declaration)
            throws DomainStartException {
        try {
            return ServiceBinding.bind(declaration, bundle.loadClass(declaration.interfaceName()));
        } catch (ClassNotFoundException e) {
            throw new DomainStartException(name + ": Cordon-Service: interface " + declaration.interfaceName()
                    + " is not visible to the bundle");
        } catch (GateBindingException e) {
            throw new DomainStartException(name + ": " + e.getMessage());
        }
    }

    private static byte[] readImage(Bundle bundle, String name, String path) throws DomainStartException {
        URL entry = bundle.getEntry(path);
        if (entry == null) {
            throw new DomainStartException(name + ": Cordon-Domain: no image at " + path + " in the bundle");
        }
        try (InputStream in = entry.openStream()) {
            byte[] bytes = in.readNBytes((int) MAX_IMAGE_BYTES + 1);
            if (bytes.length > MAX_IMAGE_BYTES) {
                throw new DomainStartException(name + ": image " + path + " is larger than " + MAX_IMAGE_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new DomainStartException(name + ": cannot read image " + path + ": " + e.getMessage(), e);
        }
    }

    /** uswitch domains get a uid of their own from {@link DomainUids}; the log says when one cannot. */
    private OptionalLong uidOf(Bundle bundle, String name, Backend backend) throws DomainStartException {
        if (uids == null) {
            return OptionalLong.empty();
        }
        if (backend.kind() != BackendChoice.USWITCH) {
            if (uids.shared()) {
                return OptionalLong.empty(); // the default, not asked for: nothing to report
            }
            LOG.info("Cordon: {} on {}: {} not applied, its native code runs with the JVM's uid"
                    + " (only uswitch domains have a uid of their own)", name, backend.label(), DomainUids.PROPERTY);
            return OptionalLong.empty();
        }
        long uid = uids.uidOf(name, bundle.getBundleId());
        if (uids.shared()) {
            LOG.info("Cordon: {} runs as uid and gid {} (nobody): the JVM runs as root and {} is unset;"
                    + " set it for a uid of each domain's own", name, uid, DomainUids.PROPERTY);
        } else {
            LOG.info("Cordon: {} runs as uid and gid {} ({})", name, uid, DomainUids.PROPERTY);
        }
        return OptionalLong.of(uid);
    }

    /** Created if need be; with a uid, owned by it before the domain (its kernel context) is made. */
    private static Path dataDir(Bundle bundle, String name, Policy policy, OptionalLong uid)
            throws DomainStartException {
        if (!policy.files()) {
            return null;
        }
        java.io.File area = bundle.getDataFile("cordon-data");
        if (area == null) {
            throw new DomainStartException(name + ": files=data but the framework gives the bundle no data area");
        }
        Path dir;
        try {
            dir = Files.createDirectories(area.toPath()).toRealPath();
        } catch (IOException e) {
            throw new DomainStartException(name + ": cannot create data directory " + area + ": " + e.getMessage(), e);
        }
        if (uid.isPresent()) {
            try {
                // the int is the uid_t's bits: uids past 2^31 come out negative here
                Files.setAttribute(dir, "unix:uid", (int) uid.getAsLong(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(dir, "unix:gid", (int) uid.getAsLong(), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                throw new DomainStartException(name + ": cannot give data directory " + dir + " to uid "
                        + uid.getAsLong() + ": " + e, e);
            }
        }
        return dir;
    }
}
