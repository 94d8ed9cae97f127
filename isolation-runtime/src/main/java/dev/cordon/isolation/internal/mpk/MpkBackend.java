package dev.cordon.isolation.internal.mpk;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.backend.UnverifiedImages;
import dev.cordon.isolation.internal.nativelib.MpkLibrary;
import dev.cordon.isolation.internal.policy.BackendChoice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mpk} and {@code uswitch} backends: the image runs inside the
 * JVM's own process, in memory tagged with a protection key of its own,
 * entered only through the gate of native/gate.
 * <ul>
 * <li>mpk: its system calls are trapped (Syscall User Dispatch) and run
 * against a virtual context of its own. Needs a CPU with PKU and FSGSBASE and
 * Linux 5.11 or later.</li>
 * <li>uswitch: it also has a kernel context of its own (the Cordon kernel
 * patch): its file and time system calls go straight to the kernel, against an
 * fd table of its own, its data directory as "/" and a seccomp filter from
 * its policy. Needs CAP_SYS_CHROOT as well.</li>
 * </ul>
 * What they do not enforce: native/README.md.
 */
public final class MpkBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(MpkBackend.class);

    private final MpkLibrary library;
    private final BackendChoice kind;
    private final UnverifiedImages unverified;
    private volatile String unavailable;
    private volatile boolean checked;

    private MpkBackend(MpkLibrary library, BackendChoice kind, UnverifiedImages unverified) {
        this.library = library;
        this.kind = kind;
        this.unverified = unverified;
    }

    public static MpkBackend mpk(MpkLibrary library, UnverifiedImages unverified) {
        return new MpkBackend(library, BackendChoice.MPK, unverified);
    }

    public static MpkBackend uswitch(MpkLibrary library, UnverifiedImages unverified) {
        return new MpkBackend(library, BackendChoice.USWITCH, unverified);
    }

    @Override
    public BackendChoice kind() {
        return kind;
    }

    @Override
    public String unavailableReason() {
        if (!checked) {
            unavailable = kind == BackendChoice.USWITCH ? library.uswitchUnavailableReason()
                    : library.unavailableReason();
            checked = true;
        }
        return unavailable;
    }

    @Override
    public Sandbox start(DomainSpec spec) throws DomainStartException {
        String why = unavailableReason();
        if (why != null) {
            throw new DomainStartException(spec.name() + ": " + label() + " cannot run here: " + why);
        }
        MpkSandbox sandbox = new MpkSandbox(library, spec, kind == BackendChoice.USWITCH ? MpkLibrary.KERNEL_CONTEXT : 0);
        if (!sandbox.verified()) {
            admitUnverified(spec, sandbox);
        }
        return sandbox;
    }

    /**
     * An unverified image runs here only by the administrator's opt-in, and
     * then with a warning per domain; otherwise it is destroyed before any
     * export is called (cordon_domain_init has run, inside the domain).
     */
    private void admitUnverified(DomainSpec spec, MpkSandbox sandbox) throws DomainStartException {
        if (!unverified.allowedOn(kind)) {
            sandbox.close(0);
            throw new DomainStartException(spec.name() + ": its image is not verified (not built confined by"
                    + " cordon-cc: its control flow is unchecked), so it may run only on process; rebuild it with"
                    + " cordon-cc, or name " + label() + " in " + UnverifiedImages.PROPERTY + " to accept the risk");
        }
        LOG.warn("Cordon: " + spec.name() + ": UNVERIFIED image on " + label() + ", allowed by "
                + UnverifiedImages.PROPERTY + ": it contains faults and native code that does not know it is in a"
                + " domain, NOT code written to attack Cordon, which can escape by jumping to a WRPKRU/XRSTOR"
                + " outside the gate (glibc, ld.so, JIT code): native/README.md, known limits");
    }
}
