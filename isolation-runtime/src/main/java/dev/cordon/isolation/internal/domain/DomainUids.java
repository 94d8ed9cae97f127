package dev.cordon.isolation.internal.domain;

import dev.cordon.isolation.internal.backend.DomainStartException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The uids the host gives uswitch domains, from the framework property
 * {@value #PROPERTY} ({@code FIRST-LAST}): a domain's uid and gid are
 * {@code FIRST + its bundle's id}. The host picks them, never the bundle, and
 * the range may not hold 0: no domain runs as root. Unset, a JVM that runs as
 * root gives every uswitch domain {@link #NOBODY}: signal permission and file
 * ownership compare uids, so root's uid would be a privilege even without
 * capabilities.
 *
 * @param first  the uid of bundle id 0, at least 1
 * @param last   the largest uid given, at most {@value #MAX}
 * @param shared every domain gets {@code first} (the default for a root JVM)
 */
public record DomainUids(long first, long last, boolean shared) {
    public static final String PROPERTY = "dev.cordon.uswitch.uids";
    /** (uid_t) -1 means "unchanged" to the kernel. */
    static final long MAX = 4294967294L;
    /** The uid and gid of nobody and nogroup on Debian and most distributions. */
    public static final long NOBODY_UID = 65534;
    /** What a root JVM's uswitch domains run as when the property is unset. */
    public static final DomainUids NOBODY = new DomainUids(NOBODY_UID, NOBODY_UID, true);
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d{1,10})\\s*-\\s*(\\d{1,10})\\s*");

    public DomainUids(long first, long last) {
        this(first, last, false);
    }

    public DomainUids {
        if (first < 1 || first > last || last > MAX) {
            throw new IllegalArgumentException(PROPERTY + ": " + first + "-" + last
                    + " is not a range of uids from 1 to " + MAX + " (FIRST-LAST, FIRST <= LAST)");
        }
    }

    /**
     * What uswitch domains run as: the property's range; unset or blank, {@link #NOBODY}
     * for a JVM whose effective uid is 0 and null for any other (domains run with the
     * JVM's uid, which is not root's). Throws IllegalArgumentException as
     * {@link #parse} does.
     */
    public static DomainUids forJvm(String value, long jvmUid) {
        DomainUids uids = parse(value);
        return uids == null && jvmUid == 0 ? NOBODY : uids;
    }

    /**
     * The property's value; null when it is unset or blank. Throws IllegalArgumentException, naming the property, when it is
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
        if (shared) {
            return first;
        }
        if (bundleId < 0 || bundleId > last - first) {
            throw new DomainStartException(name + ": bundle id " + bundleId + " is past " + PROPERTY + "="
                    + first + "-" + last + " (room for bundle ids 0 to " + (last - first) + ")");
        }
        return first + bundleId;
    }
}
