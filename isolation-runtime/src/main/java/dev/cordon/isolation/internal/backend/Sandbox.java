package dev.cordon.isolation.internal.backend;

/** One running incarnation of a domain on some backend. */
public interface Sandbox extends AutoCloseable {
    /** The function index of an exported symbol, or -1 if the image has none. */
    int resolve(String symbol) throws DomainStartException;

    /** A free lane, waiting for one at most {@code timeoutNanos}. */
    Lane acquire(long timeoutNanos);

    void release(Lane lane);

    /** Ends the sandbox at once; calls in it fail with the reason. */
    void kill(String reason);

    /** Memory the domain may use, for the domains table. */
    long memoryBytes();

    /**
     * Takes no new calls, lets those in flight run up to {@code drainNanos},
     * then ends them and releases everything.
     */
    void close(long drainNanos);

    /** Ends the calls in flight at once and releases everything. */
    @Override
    default void close() {
        close(0);
    }
}
