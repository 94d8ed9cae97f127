package dev.cordon.isolation.internal.domain;

import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The live domains by bundle id; the {@link Domains} service. */
public final class DomainRegistry implements Domains {
    private final Map<Long, Domain> domains = new ConcurrentHashMap<>();

    public void add(Domain domain) {
        domains.put(domain.bundle().getBundleId(), domain);
    }

    public void remove(Domain domain) {
        domains.remove(domain.bundle().getBundleId(), domain);
    }

    @Override
    public List<DomainInfo> list() {
        return domains.values().stream().map(Domain::info)
                .sorted(Comparator.comparingLong(DomainInfo::bundleId)).toList();
    }

    @Override
    public boolean kill(long bundleId) {
        Domain domain = domains.get(bundleId);
        if (domain == null) {
            return false;
        }
        domain.kill("killed by request");
        return true;
    }

    @Override
    public boolean restart(long bundleId) {
        Domain domain = domains.get(bundleId);
        if (domain == null) {
            return false;
        }
        domain.restart();
        return true;
    }
}
