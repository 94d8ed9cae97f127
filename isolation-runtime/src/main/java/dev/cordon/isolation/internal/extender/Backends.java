package dev.cordon.isolation.internal.extender;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.BackendSelector;
import dev.cordon.isolation.internal.inprocess.InProcessBackend;
import dev.cordon.isolation.internal.mpk.MpkBackend;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.nativelib.MpkLibrary;
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
     * left out is refused with the reason.
     */
    public static final String ENABLED_PROPERTY = "dev.cordon.backends";

    private Backends() {
    }

    public static BackendSelector selector(NativeArtifacts natives, String enabled) {
        LibCordon library = new LibCordon(natives.library());
        MpkLibrary mpk = new MpkLibrary(natives.library());
        List<Backend> all = List.of(
                MpkBackend.uswitch(mpk),
                MpkBackend.mpk(mpk),
                new ProcessBackend(library, natives.host()),
                new InProcessBackend(library));
        if (enabled == null || enabled.isBlank()) {
            return new BackendSelector(all);
        }
        Set<String> names = Arrays.stream(enabled.split(",")).map(String::trim).collect(Collectors.toSet());
        return new BackendSelector(all.stream().filter(b -> names.contains(b.label())).toList());
    }
}
