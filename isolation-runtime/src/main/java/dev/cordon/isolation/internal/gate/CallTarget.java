package dev.cordon.isolation.internal.gate;

/** Where a proxy sends its calls: a fixed incarnation, or whichever is current. */
@FunctionalInterface
public interface CallTarget {
    /** @throws dev.cordon.isolation.DomainFailedException if there is nothing to call */
    Incarnation incarnation(long timeoutNanos);
}
