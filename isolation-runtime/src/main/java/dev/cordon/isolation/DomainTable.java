package dev.cordon.isolation;

import java.util.List;

/**
 * Formats domains as the text table that {@code cordon:domains} and
 * {@code ./cordon demo} print.
 */
public final class DomainTable {
    private static final String FORMAT = "%-4s %-28s %-11s %-11s %10s %7s %9s %10s%n";

    private DomainTable() {
    }

    public static String format(List<DomainInfo> domains) {
        StringBuilder out = new StringBuilder(String.format(FORMAT,
                "ID", "BUNDLE", "BACKEND", "STATE", "CALLS", "FAULTS", "RESTARTS", "MEMORY"));
        for (DomainInfo d : domains) {
            out.append(String.format(FORMAT, d.bundleId(), d.bundle(), d.backend(), d.state(), d.calls(),
                    d.faults(), d.restarts(), mebibytes(d.memoryBytes())));
        }
        return out.toString();
    }

    private static String mebibytes(long bytes) {
        return bytes == 0 ? "-" : (bytes >> 20) + " MiB";
    }
}
