package dev.cordon.isolation.internal.backend;

import dev.cordon.isolation.internal.policy.Policy;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What a backend needs to start one incarnation of a domain.
 *
 * @param name      for messages: the bundle's symbolic name
 * @param policy    the domain's policy
 * @param image     the image's bytes, as read from the bundle
 * @param dataDir   the directory the domain may open files under (policy.files())
 * @param onDeath   told once, with a reason, when the sandbox dies without being closed
 * @param uid       the uid and gid its system calls run as (uswitch only, chosen by the host:
 *                  dev.cordon.uswitch.uids); empty: the JVM's
 */
public record DomainSpec(String name, Policy policy, byte[] image, Path dataDir, DeathListener onDeath,
        OptionalLong uid) {

    /** With the JVM's uid. */
    public DomainSpec(String name, Policy policy, byte[] image, Path dataDir, DeathListener onDeath) {
        this(name, policy, image, dataDir, onDeath, OptionalLong.empty());
    }

    @FunctionalInterface
    public interface DeathListener {
        void died(String reason);
    }
}
