package dev.cordon.isolation.internal.process;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.policy.BackendChoice;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code process} backend: each domain is a cordon-host child process,
 * confined by seccomp-bpf, Landlock, no_new_privs and rlimits, that serves
 * calls over a shared-memory channel. Works on any Linux.
 */
public final class ProcessBackend implements Backend {
    private final LibCordon library;
    private final Path hostBinary;

    public ProcessBackend(LibCordon library, Path hostBinary) {
        this.library = library;
        this.hostBinary = hostBinary;
    }

    @Override
    public BackendChoice kind() {
        return BackendChoice.PROCESS;
    }

    @Override
    public String unavailableReason() {
        return Files.isExecutable(hostBinary) ? null : "cordon-host not found at " + hostBinary;
    }

    @Override
    public Sandbox start(DomainSpec spec) throws DomainStartException {
        return new HostProcess(this, spec);
    }

    LibCordon library() {
        return library;
    }

    Path hostBinary() {
        return hostBinary;
    }
}
