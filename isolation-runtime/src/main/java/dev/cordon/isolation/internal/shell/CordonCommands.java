package dev.cordon.isolation.internal.shell;

import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.DomainTable;
import dev.cordon.isolation.Domains;
import org.apache.felix.service.command.Descriptor;

/** Gogo commands {@code cordon:domains|stats|restart|kill}; Gogo finds them by name. */
public final class CordonCommands {
    private final Domains domains;

    public CordonCommands(Domains domains) {
        this.domains = domains;
    }

    @Descriptor("lists the domains: bundle, backend, state, calls, faults, restarts, memory")
    public String domains() {
        return DomainTable.format(domains.list());
    }

    @Descriptor("totals over all domains")
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

    @Descriptor("ends a bundle's domain and starts a fresh one at once")
    public String restart(@Descriptor("the bundle's id, as cordon:domains lists it") String bundleId) {
        long id = bundleId("restart", bundleId);
        return domains.restart(id) ? "restarted " + id : "no domain for bundle " + id;
    }

    @Descriptor("ends a bundle's domain: its calls in flight fail, its restart policy applies;"
            + " not counted as a fault nor against max-restarts")
    public String kill(@Descriptor("the bundle's id, as cordon:domains lists it") String bundleId) {
        long id = bundleId("kill", bundleId);
        return domains.kill(id) ? "killed " + id : "no domain for bundle " + id;
    }

    /** The id as a number; otherwise an error that says what was expected (Gogo's own names no command). */
    private static long bundleId(String command, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cordon:" + command + ": '" + text
                    + "' is not a bundle id; cordon:domains lists the ids");
        }
    }
}
