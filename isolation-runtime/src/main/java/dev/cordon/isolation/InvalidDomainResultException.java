package dev.cordon.isolation;

/**
 * The domain returned a value that fails the gate's checks, for example a
 * length larger than the buffer it describes. The value is never used.
 */
public class InvalidDomainResultException extends DomainException {
    private static final long serialVersionUID = 1L;

    public InvalidDomainResultException(String message) {
        super(message);
    }
}
