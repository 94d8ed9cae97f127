package dev.cordon.isolation.internal.domain;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.gate.CallTarget;
import dev.cordon.isolation.internal.gate.GateProxy;
import dev.cordon.isolation.internal.gate.Incarnation;
import dev.cordon.isolation.internal.gate.MethodPlan;
import dev.cordon.isolation.internal.policy.Policy;
import dev.cordon.isolation.internal.policy.RestartPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain of one native bundle across its incarnations: starts it,
 * registers its services as gate proxies, and on a fault unregisters them,
 * ends the incarnation and restarts per policy.
 */
public final class Domain {
    private static final Logger LOG = LoggerFactory.getLogger(Domain.class);
    private static final long DRAIN_MILLIS = 2_000;

    private final Bundle bundle;
    private final Policy policy;
    private final byte[] image;
    private final List<ServiceBinding> services;
    private final List<MethodPlan> plans = new ArrayList<>();
    private final Backend backend;
    private final Path dataDir;
    private final OptionalLong uid;
    private final Executor restarter;
    private final LongAdder calls = new LongAdder();
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    /** Restarts after faults: what max-restarts bounds (an operator's kill does not count). */
    private final AtomicLong faultRestarts = new AtomicLong();

    // CONCURRENCY: guarded by this; current is also read without the lock by proxies
    private volatile Incarnation current;
    private volatile DomainState state = DomainState.STARTING;
    /** The incarnation an operator killed (cordon:kill): its end is not a fault. */
    private volatile Incarnation killedByOperator;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    Domain(Bundle bundle, Policy policy, byte[] image, List<ServiceBinding> services, Backend backend,
            Path dataDir, OptionalLong uid, Executor restarter) {
        this.bundle = bundle;
        this.policy = policy;
        this.image = image;
        this.services = services;
        this.backend = backend;
        this.dataDir = dataDir;
        this.uid = uid;
        this.restarter = restarter;
        services.forEach(s -> plans.addAll(s.plans()));
    }

    /** Starts the first incarnation and registers the services; throws if any of it fails. */
    synchronized void start() throws DomainStartException {
        current = newIncarnation();
        register(current);
        state = DomainState.ACTIVE;
    }

    private Incarnation newIncarnation() throws DomainStartException {
        Incarnation[] self = new Incarnation[1];
        DomainSpec spec = new DomainSpec(bundle.getSymbolicName(), policy, image, dataDir,
                reason -> restarter.execute(() -> failed(self[0], reason)), uid);
        Sandbox sandbox = backend.start(spec);
        try {
            self[0] = new Incarnation(bundle.getSymbolicName(), sandbox, plans, calls, faults::incrementAndGet);
            return self[0];
        } catch (DomainStartException | RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    private void register(Incarnation incarnation) {
        BundleContext context = bundle.getBundleContext();
        int first = 0;
        for (ServiceBinding service : services) {
            CallTarget target = service.declaration().stateless() ? this::awaitCurrent : fixed(incarnation);
            Object proxy = GateProxy.create(service.iface(), service.plans(), first, target,
                    policy.deadline().toNanos(),
                    "Cordon gate " + service.iface().getSimpleName() + "@" + bundle.getSymbolicName());
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("cordon.domain", bundle.getSymbolicName());
            props.put("cordon.backend", backend.label());
            registrations.add(context.registerService(service.iface().getName(), proxy, props));
            first += service.plans().size();
        }
    }

    private CallTarget fixed(Incarnation incarnation) {
        return timeout -> incarnation;
    }

    /** For stateless services: the live incarnation, waiting through a restart at most {@code timeoutNanos}. */
    private Incarnation awaitCurrent(long timeoutNanos) {
        Incarnation live = current;
        if (live != null && !live.ended()) {
            return live; // no clock read on the way of every call
        }
        long start = System.nanoTime();
        while (live == null || live.ended()) {
            if (state == DomainState.FAILED || state == DomainState.STOPPED || System.nanoTime() - start > timeoutNanos) {
                throw new DomainFailedException(bundle.getSymbolicName() + ": domain is " + state.name().toLowerCase());
            }
            synchronized (this) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DomainFailedException(bundle.getSymbolicName() + ": interrupted");
                }
            }
            live = current;
        }
        return live;
    }

    /** Called (on the restarter) when an incarnation dies by itself or is killed. */
    private void failed(Incarnation incarnation, String reason) {
        synchronized (this) {
            if (incarnation == null || incarnation != current || state != DomainState.ACTIVE) {
                return;
            }
            boolean operator = incarnation == killedByOperator;
            if (!operator) {
                faults.incrementAndGet();
            }
            unregister();
            current = null;
            boolean again = policy.restart() == RestartPolicy.ALWAYS
                    && (operator || faultRestarts.get() < policy.maxRestarts());
            state = again ? DomainState.RESTARTING : DomainState.FAILED;
            String next = again ? "restarting" : "not restarting (restart=" + policy.restart().name().toLowerCase()
                    + ", " + faultRestarts.get() + " of max-restarts=" + policy.maxRestarts() + " used)";
            if (operator) {
                LOG.warn("Cordon: domain {} killed by the operator: {}; {} (not a fault, not counted against"
                        + " max-restarts)", bundle.getSymbolicName(), reason, next);
            } else {
                LOG.warn("Cordon: domain {} failed: {}; {}", bundle.getSymbolicName(), reason, next);
            }
            if (again && !operator) {
                faultRestarts.incrementAndGet();
            }
        }
        incarnation.end(reason, 0);
        synchronized (this) {
            if (state == DomainState.RESTARTING) {
                startAgain();
            }
        }
    }

    private void startAgain() {
        try {
            current = newIncarnation();
            // CONCURRENCY: state, then the count, then the services: whoever sees the
            // new services or the new count also sees ACTIVE
            state = DomainState.ACTIVE;
            restarts.incrementAndGet();
            register(current);
            LOG.info("Cordon: domain {} restarted ({} restarts)", bundle.getSymbolicName(), restarts.get());
        } catch (DomainStartException | RuntimeException e) {
            state = DomainState.FAILED;
            LOG.error("Cordon: domain {} could not be restarted: {}", bundle.getSymbolicName(), e.getMessage());
        }
        notifyAll();
    }

    /**
     * Ends the live incarnation (cordon:kill): calls in flight fail and the restart
     * policy applies, but the kill is the operator's, not the domain's fault, so it
     * counts neither as a fault nor against max-restarts.
     */
    public void kill(String reason) {
        Incarnation live = current;
        if (live != null) {
            killedByOperator = live;
            live.sandbox().kill(reason);
        }
    }

    /** Ends the live incarnation and starts a new one now, whatever the restart policy says. */
    public synchronized void restart() {
        Incarnation old = current;
        if (state == DomainState.STOPPED) {
            return;
        }
        unregister();
        current = null;
        state = DomainState.RESTARTING;
        if (old != null) {
            old.end("restarted by request", DRAIN_MILLIS);
        }
        startAgain();
    }

    /** Bundle stop: unregister, drain calls in flight, destroy. */
    public void stop() {
        Incarnation old;
        synchronized (this) {
            state = DomainState.STOPPED;
            unregister();
            old = current;
            current = null;
            notifyAll();
        }
        if (old != null) {
            old.end("bundle stopped", DRAIN_MILLIS);
        }
    }

    private void unregister() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle's context is already invalid: the framework unregistered it
            }
        }
        registrations.clear();
    }

    public DomainInfo info() {
        Incarnation live = current;
        long memory = live != null ? live.sandbox().memoryBytes() : 0;
        return new DomainInfo(bundle.getBundleId(), bundle.getSymbolicName(), backend.label(), state.name(),
                calls.sum(), faults.get(), restarts.get(), memory);
    }

    public Bundle bundle() {
        return bundle;
    }
}
