package dev.cordon.isolation;

/**
 * The domain that served the call is gone: its native code faulted, it was
 * killed, or its bundle stopped. The JVM and every other domain are unaffected;
 * a fresh service may be registered after a restart.
 */
public class DomainFailedException extends DomainException {
    private static final long serialVersionUID = 1L;

    public DomainFailedException(String message) {
        super(message);
    }

    public DomainFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
