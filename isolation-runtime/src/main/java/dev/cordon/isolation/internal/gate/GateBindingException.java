package dev.cordon.isolation.internal.gate;

/** A service interface method that cannot be bound to a native function. */
public final class GateBindingException extends Exception {
    private static final long serialVersionUID = 1L;

    public GateBindingException(String message) {
        super(message);
    }
}
