package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.internal.policy.BackendChoice;

/**
 * One way of isolating a domain. Every backend serves the same plugin ABI
 * (native/include/cordon/domain.h) and passes the same suite.
 */
public interface Backend {
    BackendChoice kind();

    /** Null if this backend can run here, else why not (shown to the user as is). */
    String unavailableReason();

    Sandbox start(DomainSpec spec) throws DomainStartException;

    default String label() {
        return kind().label();
    }
}
