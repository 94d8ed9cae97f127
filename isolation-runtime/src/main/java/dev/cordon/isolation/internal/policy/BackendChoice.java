package dev.cordon.isolation.internal.policy;

import java.util.Locale;

/**
 * The backend a domain asks for. Except for AUTO and INPROCESS this is a
 * minimum: the strongest available backend at least this strong is used.
 */
public enum BackendChoice {
    /** No isolation at all: debugging and benchmark baseline, never picked by AUTO. */
    INPROCESS(0),
    PROCESS(1),
    MPK(2),
    USWITCH(3),
    /** The strongest backend this machine offers. */
    AUTO(1);

    private final int strength;

    BackendChoice(int strength) {
        this.strength = strength;
    }

    public int strength() {
        return strength;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
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
