package dev.cordon.isolation.internal.mpk;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.nativelib.MpkLibrary;
import dev.cordon.isolation.internal.policy.BackendChoice;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mpk} backend: the image runs inside the JVM's own process, in
 * memory tagged with a protection key of its own, entered only through the
 * gate of native/gate; its system calls are trapped (Syscall User Dispatch)
 * and run against a virtual context of its own. Needs a CPU with PKU and
 * FSGSBASE and Linux 5.11 or later. What it does not enforce: native/README.md.
 */
public final class MpkBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(MpkBackend.class);

    private final MpkLibrary library;
    private volatile String unavailable;
    private volatile boolean checked;
    private final AtomicBoolean warned = new AtomicBoolean();

    public MpkBackend(MpkLibrary library) {
        this.library = library;
    }

    @Override
    public BackendChoice kind() {
        return BackendChoice.MPK;
    }

    @Override
    public String unavailableReason() {
        if (!checked) {
            unavailable = library.unavailableReason();
            checked = true;
        }
        return unavailable;
    }

    @Override
    public Sandbox start(DomainSpec spec) throws DomainStartException {
        String why = unavailableReason();
        if (why != null) {
            throw new DomainStartException(spec.name() + ": mpk cannot run here: " + why);
        }
        if (warned.compareAndSet(false, true)) {
            LOG.warn("Cordon: mpk contains faults and native code"
                    + " that does not know it is in a domain; code written to attack Cordon can still escape by"
                    + " jumping to a WRPKRU/XRSTOR outside the gate (glibc, ld.so, JIT code): native/README.md");
        }
        return new MpkSandbox(library, spec);
    }
}
