package dev.cordon.isolation.internal.backend;

/** One running incarnation of a domain on some backend. */
public interface Sandbox extends AutoCloseable {
    /** The function index of an exported symbol, or -1 if the image has none. */
    int resolve(String symbol) throws DomainStartException;

    /** Waits for a free lane until the deadline. */
    Lane acquire(long deadlineNanos);

    void release(Lane lane);

    /** Ends the sandbox at once; calls in it fail with the reason. */
    void kill(String reason);

    /** Memory the domain may use, for the domains table. */
    long memoryBytes();

    /** Releases everything; calls still in flight fail. */
    @Override
    void close();
}
