package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.internal.policy.BackendChoice;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where an image the loader has not verified may run. A verified image
 * (built by cordon-cc, confined: native/CONFINEMENT.md) can reach no
 * instruction outside its own checked code, so mpk and uswitch contain it.
 * An unverified one (cordon-cc --unconfined, another toolchain) could jump
 * to a WRPKRU elsewhere in the JVM: it runs on process (and inprocess),
 * and on mpk or uswitch only where the administrator names them in the
 * framework property {@value #PROPERTY}.
 */
public final class UnverifiedImages {
    public static final String PROPERTY = "dev.cordon.unverified";

    private final Set<BackendChoice> allowed;

    private UnverifiedImages(Set<BackendChoice> allowed) {
        this.allowed = allowed;
    }

    /** None allowed: the default. */
    public static UnverifiedImages none() {
        return new UnverifiedImages(EnumSet.noneOf(BackendChoice.class));
    }

    /**
     * The property's value: comma-separated, {@code mpk} and/or {@code uswitch}; unset or blank: none.
     *
     * @throws IllegalArgumentException on any other name: a typo must not be taken for a choice
     */
    public static UnverifiedImages parse(String value) {
        EnumSet<BackendChoice> allowed = EnumSet.noneOf(BackendChoice.class);
        if (value == null || value.isBlank()) {
            return new UnverifiedImages(allowed);
        }
        for (String name : Arrays.stream(value.split(",")).map(String::trim).toList()) {
            if (name.equals(BackendChoice.MPK.label())) {
                allowed.add(BackendChoice.MPK);
            } else if (name.equals(BackendChoice.USWITCH.label())) {
                allowed.add(BackendChoice.USWITCH);
            } else {
                throw new IllegalArgumentException(PROPERTY + ": '" + name + "' is not mpk or uswitch"
                        + " (unverified images always run on process and inprocess)");
            }
        }
        return new UnverifiedImages(allowed);
    }

    public boolean allowedOn(BackendChoice backend) {
        return allowed.contains(backend);
    }
}
