package dev.cordon.isolation.internal.shell;

import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.DomainTable;
import dev.cordon.isolation.Domains;

/** Gogo commands {@code cordon:domains|stats|restart|kill}; Gogo finds them by name. */
public final class CordonCommands {
    private final Domains domains;

    public CordonCommands(Domains domains) {
        this.domains = domains;
    }

    public String domains() {
        return DomainTable.format(domains.list());
    }

    public String stats() {
        long calls = 0;
        long faults = 0;
        long restarts = 0;
        long memory = 0;
        for (DomainInfo d : domains.list()) {
            calls += d.calls();
            faults += d.faults();
            restarts += d.restarts();
            memory += d.memoryBytes();
        }
        return domains.list().size() + " domains, " + calls + " calls, " + faults + " faults, " + restarts
                + " restarts, " + (memory >> 20) + " MiB reserved";
    }

    public String restart(long bundleId) {
        return domains.restart(bundleId) ? "restarted " + bundleId : "no domain for bundle " + bundleId;
    }

    public String kill(long bundleId) {
        return domains.kill(bundleId) ? "killed " + bundleId : "no domain for bundle " + bundleId;
    }
}
