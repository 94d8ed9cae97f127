package dev.cordon.isolation.internal.domain;

import dev.cordon.isolation.internal.backend.DomainStartException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The uids the host gives uswitch domains, from the framework property
 * {@value #PROPERTY} ({@code FIRST-LAST}): a domain's uid and gid are
 * {@code FIRST + its bundle's id}. The host picks them, never the bundle, and
 * the range may not hold 0: no domain runs as root.
 *
 * @param first the uid of bundle id 0, at least 1
 * @param last  the largest uid given, at most {@value #MAX}
 */
public record DomainUids(long first, long last) {
    public static final String PROPERTY = "dev.cordon.uswitch.uids";
    /** (uid_t) -1 means "unchanged" to the kernel. */
    static final long MAX = 4294967294L;
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d{1,10})\\s*-\\s*(\\d{1,10})\\s*");

    public DomainUids {
        if (first < 1 || first > last || last > MAX) {
            throw new IllegalArgumentException(PROPERTY + ": " + first + "-" + last
                    + " is not a range of uids from 1 to " + MAX + " (FIRST-LAST, FIRST <= LAST)");
        }
    }

    /**
     * The property's value; null when it is unset or blank (domains run with the
     * JVM's uid). Throws IllegalArgumentException, naming the property, when it is
     * malformed: a typo never leaves domains running as the JVM's uid unnoticed.
     */
    public static DomainUids parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = RANGE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(PROPERTY + "=" + value
                    + ": expected FIRST-LAST, two uids such as 100000-165535");
        }
        return new DomainUids(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** The uid (and gid) of the bundle's domain; refused past the range. */
    long uidOf(String name, long bundleId) throws DomainStartException {
        if (bundleId < 0 || bundleId > last - first) {
            throw new DomainStartException(name + ": bundle id " + bundleId + " is past " + PROPERTY + "="
                    + first + "-" + last + " (room for bundle ids 0 to " + (last - first) + ")");
        }
        return first + bundleId;
    }
}
