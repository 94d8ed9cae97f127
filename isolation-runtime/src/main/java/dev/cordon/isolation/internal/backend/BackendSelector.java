package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.internal.policy.BackendChoice;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the backend for a domain: the strongest available one at least as
 * strong as the policy's minimum. {@code inprocess} only when asked for by name.
 */
public final class BackendSelector {
    private final List<Backend> backends;

    public BackendSelector(List<Backend> backends) {
        this.backends = backends.stream()
                .sorted(Comparator.comparingInt((Backend b) -> b.kind().strength()).reversed())
                .toList();
    }

    public Backend select(BackendChoice wanted) throws DomainStartException {
        if (wanted == BackendChoice.INPROCESS) {
            return find(BackendChoice.INPROCESS);
        }
        StringBuilder refused = new StringBuilder();
        for (Backend backend : backends) {
            if (backend.kind() == BackendChoice.INPROCESS || backend.kind().strength() < wanted.strength()) {
                continue;
            }
            String why = backend.unavailableReason();
            if (why == null) {
                return backend;
            }
            refused.append("; ").append(backend.label()).append(": ").append(why);
        }
        throw new DomainStartException("no backend at least as strong as " + wanted.label()
                + " can run here" + refused);
    }

    private Backend find(BackendChoice kind) throws DomainStartException {
        for (Backend backend : backends) {
            if (backend.kind() == kind) {
                String why = backend.unavailableReason();
                if (why != null) {
                    throw new DomainStartException(kind.label() + " cannot run here: " + why);
                }
                return backend;
            }
        }
        throw new DomainStartException("backend " + kind.label() + " is not part of this runtime");
    }

    /**
     * The stronger backends that {@code chosen} was picked over because they
     * cannot run here, each with its reason ("mpk: no PKU"); empty if none.
     */
    public String passedOver(Backend chosen) {
        StringBuilder text = new StringBuilder();
        for (Backend backend : backends) {
            if (backend.kind().strength() <= chosen.kind().strength()) {
                continue;
            }
            String why = backend.unavailableReason();
            if (why != null) {
                text.append(text.isEmpty() ? "" : "; ").append(backend.label()).append(": ").append(why);
            }
        }
        return text.toString();
    }

    public List<Backend> backends() {
        return backends;
    }
}
