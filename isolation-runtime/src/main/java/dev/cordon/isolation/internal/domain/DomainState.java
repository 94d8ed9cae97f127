package dev.cordon.isolation.internal.domain;

/** The life of a domain, as the domains table shows it. */
enum DomainState {
    STARTING, ACTIVE, RESTARTING, FAILED, STOPPED
}
