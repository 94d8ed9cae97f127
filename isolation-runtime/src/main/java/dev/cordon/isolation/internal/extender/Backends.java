package dev.cordon.isolation.internal.extender;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.BackendSelector;
import dev.cordon.isolation.internal.backend.UnverifiedImages;
import dev.cordon.isolation.internal.inprocess.InProcessBackend;
import dev.cordon.isolation.internal.mpk.MpkBackend;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.nativelib.MpkLibrary;
import dev.cordon.isolation.internal.policy.BackendChoice;
import dev.cordon.isolation.internal.process.ProcessBackend;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The backends of this build, in one place. */
public final class Backends {
    /**
     * Framework property: the backends this runtime may use, comma-separated
     * (default: all). An administrator's switch, e.g. {@code process} to keep
     * domains out of the JVM's address space; a domain that names a backend
     * left out is refused with the reason, and an unknown name keeps the
     * runtime from starting.
     */
    public static final String ENABLED_PROPERTY = "dev.cordon.backends";

    private Backends() {
    }

    public static BackendSelector selector(NativeArtifacts natives, String enabled, UnverifiedImages unverified) {
        LibCordon library = new LibCordon(natives.library());
        MpkLibrary mpk = new MpkLibrary(natives.library());
        List<Backend> all = List.of(
                MpkBackend.uswitch(mpk, unverified),
                MpkBackend.mpk(mpk, unverified),
                new ProcessBackend(library, natives.host()),
                new InProcessBackend(library));
        Set<String> names = enabledNames(enabled);
        return new BackendSelector(all.stream().filter(b -> names == null || names.contains(b.label())).toList());
    }

    /**
     * The names in {@code enabled}; null (all) when unset or blank.
     *
     * @throws IllegalArgumentException on a name that is no backend: a typo must not disable one unnoticed
     */
    public static Set<String> enabledNames(String enabled) {
        if (enabled == null || enabled.isBlank()) {
            return null;
        }
        Set<String> names = Arrays.stream(enabled.split(",")).map(String::trim).collect(Collectors.toSet());
        for (String name : names) {
            boolean known = Arrays.stream(BackendChoice.values())
                    .anyMatch(c -> c != BackendChoice.AUTO && c.label().equals(name));
            if (!known) {
                throw new IllegalArgumentException(ENABLED_PROPERTY + ": unknown backend '" + name
                        + "' (known: uswitch, mpk, process, inprocess)");
            }
        }
        return names;
    }
}
