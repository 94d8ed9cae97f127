package dev.cordon.isolation;

/** The call ran past the domain's deadline; the domain was ended. */
public class DomainTimeoutException extends DomainFailedException {
    private static final long serialVersionUID = 1L;

    public DomainTimeoutException(String message) {
        super(message);
    }
}
