package dev.cordon.isolation.internal.policy;

/** What happens to a domain after a fault or a deadline overrun. */
public enum RestartPolicy {
    /** The domain stays failed until its bundle is restarted. */
    NEVER,
    /** A fresh domain is started, up to the policy's maximum number of restarts. */
    ALWAYS
}
