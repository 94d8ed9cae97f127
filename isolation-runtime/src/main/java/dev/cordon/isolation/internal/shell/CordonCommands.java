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

    public String restart(String bundleId) {
        long id = bundleId("restart", bundleId);
        return domains.restart(id) ? "restarted " + id : "no domain for bundle " + id;
    }

    public String kill(String bundleId) {
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
