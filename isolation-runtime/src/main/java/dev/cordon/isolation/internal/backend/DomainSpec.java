package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.internal.policy.Policy;
import java.nio.file.Path;

/**
 * What a backend needs to start one incarnation of a domain.
 *
 * @param name      for messages: the bundle's symbolic name
 * @param policy    the domain's policy
 * @param image     the image's bytes, as read from the bundle
 * @param dataDir   the directory the domain may open files under (policy.files())
 * @param onDeath   told once, with a reason, when the sandbox dies without being closed
 */
public record DomainSpec(String name, Policy policy, byte[] image, Path dataDir, DeathListener onDeath) {

    @FunctionalInterface
    public interface DeathListener {
        void died(String reason);
    }
}
