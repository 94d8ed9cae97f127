package dev.cordon.isolation.internal.backend;

/** A domain could not be started; the message is one line for the log. */
public final class DomainStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public DomainStartException(String message) {
        super(message);
    }

    public DomainStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
