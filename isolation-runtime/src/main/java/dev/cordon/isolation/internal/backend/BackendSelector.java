package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.internal.policy.BackendChoice;
import java.util.List;

/**
 * Picks the backend for a domain from those the administrator enabled. A
 * backend the policy names is the one it gets, or the domain is refused with
 * the reason: never a different one. {@code auto} takes the first of
 * {@link BackendChoice#AUTO_ORDER} that is enabled and can run here.
 */
public final class BackendSelector {
    private final List<Backend> enabled;

    public BackendSelector(List<Backend> enabled) {
        this.enabled = List.copyOf(enabled);
    }

    public Backend select(BackendChoice wanted) throws DomainStartException {
        if (wanted != BackendChoice.AUTO) {
            return named(wanted);
        }
        StringBuilder refused = new StringBuilder();
        for (BackendChoice kind : BackendChoice.AUTO_ORDER) {
            Backend backend = find(kind);
            String why = backend == null ? "not enabled" : backend.unavailableReason();
            if (why == null) {
                return backend;
            }
            refused.append("; ").append(kind.label()).append(": ").append(why);
        }
        throw new DomainStartException("backend auto: none of " + labels(BackendChoice.AUTO_ORDER)
                + " can run here" + refused);
    }

    private Backend named(BackendChoice kind) throws DomainStartException {
        Backend backend = find(kind);
        if (backend == null) {
            throw new DomainStartException("backend " + kind.label() + " is not enabled here (enabled: "
                    + labels(enabled.stream().map(Backend::kind).toList()) + ")");
        }
        String why = backend.unavailableReason();
        if (why != null) {
            throw new DomainStartException(kind.label() + " cannot run here: " + why);
        }
        return backend;
    }

    private Backend find(BackendChoice kind) {
        for (Backend backend : enabled) {
            if (backend.kind() == kind) {
                return backend;
            }
        }
        return null;
    }

    private static String labels(List<BackendChoice> kinds) {
        return String.join(", ", kinds.stream().map(BackendChoice::label).toList());
    }
}
