package dev.cordon.isolation.internal.inprocess;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.policy.BackendChoice;

/**
 * The {@code inprocess} backend: the image is loaded into the JVM itself and
 * called directly. NO isolation: a fault in the image kills the JVM and a
 * deadline cannot be enforced. For debugging and as the benchmark baseline;
 * a policy gets it only by naming it.
 */
public final class InProcessBackend implements Backend {
    private final LibCordon library;

    public InProcessBackend(LibCordon library) {
        this.library = library;
    }

    @Override
    public BackendChoice kind() {
        return BackendChoice.INPROCESS;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Sandbox start(DomainSpec spec) throws DomainStartException {
        return new InProcessSandbox(library, spec);
    }
}
