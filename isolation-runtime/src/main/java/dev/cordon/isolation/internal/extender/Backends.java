package dev.cordon.isolation.internal.extender;

import dev.cordon.isolation.internal.backend.BackendSelector;
import dev.cordon.isolation.internal.backend.UnbuiltBackend;
import dev.cordon.isolation.internal.inprocess.InProcessBackend;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.policy.BackendChoice;
import dev.cordon.isolation.internal.process.ProcessBackend;
import java.util.List;

/** The backends of this build, in one place. */
public final class Backends {
    private Backends() {
    }

    public static BackendSelector selector(NativeArtifacts natives) {
        LibCordon library = new LibCordon(natives.library());
        return new BackendSelector(List.of(
                new UnbuiltBackend(BackendChoice.USWITCH, "a PKU CPU and the Cordon kernel patch"),
                new UnbuiltBackend(BackendChoice.MPK, "a PKU CPU and Linux 6.12 or later"),
                new ProcessBackend(library, natives.host()),
                new InProcessBackend(library)));
    }
}
