package dev.cordon.isolation;

/**
 * A snapshot of one domain, as shown by {@code cordon:domains}.
 *
 * @param bundleId      the native bundle's id
 * @param bundle        its symbolic name
 * @param backend       the backend that isolates it ({@code process}, ...)
 * @param state         {@code ACTIVE}, {@code RESTARTING}, {@code FAILED} or {@code STOPPED}
 * @param calls         calls completed since the bundle started
 * @param faults        faults and deadline overruns
 * @param restarts      restarts after a fault
 * @param memoryBytes   memory the domain may use (its heap and argument areas)
 */
public record DomainInfo(long bundleId, String bundle, String backend, String state,
        long calls, long faults, long restarts, long memoryBytes) {
}
