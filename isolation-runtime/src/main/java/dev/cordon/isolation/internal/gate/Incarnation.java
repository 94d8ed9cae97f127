package dev.cordon.isolation.internal.gate;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.InvalidDomainResultException;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Lane;
import dev.cordon.isolation.internal.backend.Sandbox;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One life of a domain: a sandbox with its functions resolved. A call in
 * flight holds one of the sandbox's lanes, which is what stopping drains.
 */
public final class Incarnation {
    private final String name;
    private final Sandbox sandbox;
    private final List<MethodPlan> plans;
    private final int[] functions;
    private final LongAdder calls;
    private final Runnable onInvalidResult;
    private volatile String endReason;

    /**
     * Resolves every plan's symbol.
     *
     * @throws DomainStartException naming the first symbol the image does not export
     */
    public Incarnation(String name, Sandbox sandbox, List<MethodPlan> plans, LongAdder calls,
            Runnable onInvalidResult) throws DomainStartException {
        this.name = name;
        this.sandbox = sandbox;
        this.plans = plans;
        this.calls = calls;
        this.onInvalidResult = onInvalidResult;
        this.functions = new int[plans.size()];
        for (int i = 0; i < plans.size(); i++) {
            MethodPlan plan = plans.get(i);
            functions[i] = sandbox.resolve(plan.symbol());
            if (functions[i] < 0) {
                throw new DomainStartException(name + ": the image exports no symbol '" + plan.symbol() + "' for "
                        + plan.method().getDeclaringClass().getSimpleName() + "." + plan.method().getName() + "()");
            }
        }
    }

    /** @param timeoutNanos the policy's deadline: how long the call may wait for a lane, and then run */
    Object call(int plan, Object[] args, long timeoutNanos) {
        if (endReason != null) {
            throw new DomainFailedException(name + ": domain ended: " + endReason);
        }
        MethodPlan p = plans.get(plan);
        long[] nativeArgs = new long[MethodPlan.MAX_NATIVE_ARGS];
        Lane lane = sandbox.acquire(timeoutNanos);
        try {
            int mask = p.marshal(args, lane.arena(), nativeArgs);
            long raw = lane.call(functions[plan], nativeArgs, mask, timeoutNanos);
            p.unmarshal(args, lane.arena(), nativeArgs);
            calls.increment();
            try {
                return p.result(raw, args);
            } catch (InvalidDomainResultException e) {
                onInvalidResult.run();
                throw e;
            }
        } catch (IllegalStateException unmapped) {
            // the sandbox was closed under this call: its memory is gone, not ours
            throw new DomainFailedException(name + ": domain ended during the call", unmapped);
        } finally {
            sandbox.release(lane);
        }
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** Refuses new calls, lets calls in flight run up to {@code drainMillis}, then closes the sandbox. */
    public void end(String reason, long drainMillis) {
        endReason = reason;
        sandbox.close(TimeUnit.MILLISECONDS.toNanos(drainMillis));
    }

    public boolean ended() {
        return endReason != null;
    }
}
