package dev.cordon.isolation.internal.domain;

import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The live domains by bundle id; the {@link Domains} service. The domains of
 * JNI bundles ({@code dev.cordon.isolate}) are kept elsewhere and listed here
 * too ({@link #alsoServe}).
 */
public final class DomainRegistry implements Domains {
    private static final Domains NONE = new Domains() {
        @Override
        public List<DomainInfo> list() {
            return List.of();
        }

        @Override
        public boolean kill(long bundleId) {
            return false;
        }

        @Override
        public boolean restart(long bundleId) {
            return false;
        }
    };

    private final Map<Long, Domain> domains = new ConcurrentHashMap<>();
    private volatile Domains more = NONE;

    /** Lists, kills and restarts {@code others}' domains as well (the JNI domains). */
    public void alsoServe(Domains others) {
        more = others == null ? NONE : others;
    }

    public void add(Domain domain) {
        domains.put(domain.bundle().getBundleId(), domain);
    }

    public void remove(Domain domain) {
        domains.remove(domain.bundle().getBundleId(), domain);
    }

    @Override
    public List<DomainInfo> list() {
        return Stream.concat(domains.values().stream().map(Domain::info), more.list().stream())
                .sorted(Comparator.comparingLong(DomainInfo::bundleId)).toList();
    }

    @Override
    public boolean kill(long bundleId) {
        Domain domain = domains.get(bundleId);
        if (domain == null) {
            return more.kill(bundleId);
        }
        domain.kill("killed by request");
        return true;
    }

    @Override
    public boolean restart(long bundleId) {
        Domain domain = domains.get(bundleId);
        if (domain == null) {
            return more.restart(bundleId);
        }
        domain.restart();
        return true;
    }
}
