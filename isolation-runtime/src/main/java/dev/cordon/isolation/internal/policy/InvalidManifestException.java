package dev.cordon.isolation.internal.policy;

/** A Cordon manifest header that cannot be honoured; the message names the header and the fault. */
public final class InvalidManifestException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidManifestException(String message) {
        super(message);
    }
}
