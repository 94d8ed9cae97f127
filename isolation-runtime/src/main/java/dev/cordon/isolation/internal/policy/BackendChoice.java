package dev.cordon.isolation.internal.policy;

import java.util.List;
import java.util.Locale;

/**
 * The backend a domain asks for, and what each one contains: the one place
 * that text is written (the log quotes it, the README's table says the same).
 * A named backend is used as named, never swapped for another; AUTO takes the
 * first of {@link #AUTO_ORDER} that can run.
 */
public enum BackendChoice {
    /** No isolation at all: debugging and benchmark baseline, never picked by AUTO. */
    INPROCESS("nothing",
            "anything: its native code runs in the JVM, and a fault in it ends the JVM"),
    PROCESS("faults, hangs, wild pointers and code written to attack it: a separate process"
            + " under seccomp-bpf, Landlock, no_new_privs and RLIMIT_AS",
            "what its policy grants: the system calls of its groups and, with files=data,"
            + " its data directory; it runs with the JVM's uid"),
    MPK("accidental faults, hangs and wild pointers",
            "code written to attack it when its image is unverified (run only by dev.cordon.unverified):"
            + " such code can reach PKRU 0 through gadgets outside the domain; nor, verified or not,"
            + " Spectre-class side channels (native/README.md, known limits)"),
    USWITCH("accidental faults, hangs and wild pointers; its file system calls see only its own kernel context",
            "code written to attack it when its image is unverified (run only by dev.cordon.unverified):"
            + " such code can reach PKRU 0 through gadgets outside the domain; nor, verified or not,"
            + " Spectre-class side channels (native/README.md, known limits)"),
    /** The first of {@link #AUTO_ORDER} that is enabled and can run here. */
    AUTO("", "");

    /**
     * What AUTO tries, in order. process first: the choice is made before the
     * image is loaded, so whether it is verified (what would let mpk and
     * uswitch contain hostile code) is not known yet; they come only where the
     * administrator leaves process out.
     */
    public static final List<BackendChoice> AUTO_ORDER = List.of(PROCESS, USWITCH, MPK);

    private final String contains;
    private final String doesNotContain;

    BackendChoice(String contains, String doesNotContain) {
        this.contains = contains;
        this.doesNotContain = doesNotContain;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a domain on this backend cannot do to the JVM. */
    public String contains() {
        return contains;
    }

    /** What it can. */
    public String doesNotContain() {
        return doesNotContain;
    }

    /** True for the backends whose limits (native/README.md, known limits) let hostile code out of an unverified image. */
    public boolean escapableByHostileCode() {
        return this == MPK || this == USWITCH;
    }

    static BackendChoice parse(String value) throws InvalidManifestException {
        for (BackendChoice choice : values()) {
            if (choice.label().equals(value)) {
                return choice;
            }
        }
        throw new InvalidManifestException("Cordon-Domain: unknown backend '" + value
                + "' (expected auto, process, mpk, uswitch or inprocess)");
    }
}
