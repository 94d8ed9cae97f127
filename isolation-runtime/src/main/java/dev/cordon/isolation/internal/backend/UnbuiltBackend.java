package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.internal.policy.BackendChoice;

/**
 * A backend this build of Cordon does not have yet (mpk, uswitch). It is listed
 * so that a policy asking for it is refused with a reason instead of being
 * silently given something weaker.
 */
public final class UnbuiltBackend implements Backend {
    private final BackendChoice kind;
    private final String needs;

    public UnbuiltBackend(BackendChoice kind, String needs) {
        this.kind = kind;
        this.needs = needs;
    }

    @Override
    public BackendChoice kind() {
        return kind;
    }

    @Override
    public String unavailableReason() {
        boolean pku = CpuFeatures.hasPku();
        return "not implemented in this build (needs " + needs + "; this CPU "
                + (pku ? "has" : "has no") + " PKU)";
    }

    @Override
    public Sandbox start(DomainSpec spec) throws DomainStartException {
        throw new DomainStartException(label() + ": " + unavailableReason());
    }
}
