package dev.cordon.isolation.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.InvalidDomainResultException;
import dev.cordon.isolation.ReturnsLengthOf;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.gate.CallTarget;
import dev.cordon.isolation.internal.gate.GateProxy;
import dev.cordon.isolation.internal.gate.Incarnation;
import dev.cordon.isolation.internal.gate.MethodPlan;
import dev.cordon.isolation.internal.nativelib.LibCordon;
import dev.cordon.isolation.internal.policy.PolicyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The process backend's channel against a hostile host (FakeHost, driven by
 * a HostileScript decoded from the fuzz input), through the real
 * HostProcess, HostSlot, Incarnation and gate proxy. Two callers call while
 * the host answers, lies, scribbles on every field the JVM reads, stays
 * silent or dies.
 *
 * <p>The properties: every call returns what the host answered (and what
 * passes the gate's checks) or throws DomainFailedException (a timeout is
 * one) or InvalidDomainResultException, nothing else; none outlives its
 * deadline by more than the watchdog's margin; after a DomainFailedException
 * the domain is reported dead (its death listener runs: no wedged domain
 * that fails forever unnoticed); the JVM's requests stay valid; and after
 * close the stand-in host is reaped.
 *
 * <p>In a plain test run {@link #channel} replays the committed corpus
 * under {@code ChannelFuzzTestInputs/channel/}; {@code ./cordon fuzz}
 * mutates from it.
 */
class ChannelFuzzTest {
    /** The service the fake host serves: echo answers the token, fill a length. */
    interface Target {
        long echo(long token);

        @ReturnsLengthOf(1)
        int fill(long token, byte[] out);
    }

    private static final long DEADLINE_MILLIS = 150;
    /** A guard against a hang, not a measurement. */
    private static final long WATCHDOG_MILLIS = DEADLINE_MILLIS + 20_000;
    private static final int CALLERS = 2;
    private static final int CALLS_EACH = 4;
    /** Above the fill capacity: a token is never mistaken for a length that fits. */
    private static final AtomicLong TOKENS = new AtomicLong(1_000);

    @FuzzTest(maxDuration = "60s")
    void channel(@NotNull byte[] input) throws Exception {
        HostileScript script = HostileScript.decode(input);
        try (FakeHost host = FakeHost.play(script)) {
            Run run = new Run(host);
            run.start();
            host.close();
            assertEquals(List.of(), host.complaints(), "the JVM's requests and the channel's size");
            run.assertReaped();
        }
    }

    /** The channel's size is sealed: a host that shrank it would crash the JVM (SIGBUS). */
    @Test
    void aHostCannotShrinkTheChannel() throws Exception {
        channel(new byte[] {0, 0, (byte) HostileScript.Kind.TRUNCATE.ordinal()});
    }

    /** Was: a refusal the JVM never provoked came back as a plain DomainException, the host left running. */
    @Test
    void aRefusedCall_EndsTheDomain() throws Exception {
        channel(new byte[] {0, 0, 0, 0, 0, 0, (byte) HostileScript.Kind.WRONG_STATUS.ordinal(), 0, 0, 0, 3});
    }

    /** Was: a slot state the JVM never wrote failed the call but left the host up and the domain wedged. */
    @Test
    void aStrayState_EndsTheDomain() throws Exception {
        channel(new byte[] {0, 0, 0, 0, 0, 0, (byte) HostileScript.Kind.WRONG_STATE.ordinal(), 0, 0, 0, 0});
    }

    /** One domain's life against one script. */
    private static final class Run {
        private final FakeHost host;
        private final CountDownLatch died = new CountDownLatch(1);
        private final AtomicReference<String> deathReason = new AtomicReference<>();
        private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        private final LongAdder invalidResults = new LongAdder();
        private volatile boolean domainFailed;
        private Sandbox sandbox;

        Run(FakeHost host) {
            this.host = host;
        }

        void start() throws Exception {
            try {
                sandbox = backend().start(spec());
            } catch (DomainStartException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a start-up failure says why");
                return;
            }
            try {
                Target target;
                try {
                    target = target();
                } catch (DomainStartException e) {
                    return; // a lie in answer to resolve: the domain does not start
                }
                callConcurrently(target);
                assertEquals(List.of(), List.copyOf(wrong));
                if (domainFailed) {
                    assertTrue(died.await(10, TimeUnit.SECONDS), "a call failed but the domain was never reported dead");
                    assertTrue(deathReason.get() != null && !deathReason.get().isBlank(), "a death says why");
                }
            } finally {
                sandbox.close();
            }
        }

        private Target target() throws DomainStartException {
            List<MethodPlan> plans = new ArrayList<>();
            for (var m : Target.class.getMethods()) {
                try {
                    plans.add(MethodPlan.of(m, m.getName()));
                } catch (dev.cordon.isolation.internal.gate.GateBindingException e) {
                    throw new AssertionError(e);
                }
            }
            Incarnation incarnation = new Incarnation("fuzzed", sandbox, plans, new LongAdder(), invalidResults::increment);
            CallTarget fixed = timeout -> incarnation;
            return (Target) GateProxy.create(Target.class, plans, 0, fixed,
                    TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS), "fuzzed");
        }

        private DomainSpec spec() throws Exception {
            return new DomainSpec("fuzzed", PolicyParser.parse("fuzzed.so;backend=process;threads=" + CALLERS
                    + ";arena=4k;memory=16m;deadline=" + DEADLINE_MILLIS + "ms"),
                    new byte[64], null, reason -> {
                        deathReason.set(reason);
                        died.countDown();
                    });
        }

        private void callConcurrently(Target target) throws InterruptedException {
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                callers.add(Thread.ofPlatform().name("fuzz-caller-" + t).start(() -> {
                    for (int i = 0; i < CALLS_EACH; i++) {
                        callOnce(target, i % 2 == 0);
                    }
                }));
            }
            for (Thread t : callers) {
                t.join(WATCHDOG_MILLIS);
                if (t.isAlive()) {
                    wrong.add(t.getName() + " still in a call " + WATCHDOG_MILLIS + " ms after it began: a hang");
                }
            }
        }

        private void callOnce(Target target, boolean echo) {
            long token = TOKENS.getAndIncrement();
            byte[] out = new byte[FakeHost.FILL_CAPACITY];
            try {
                long got = echo ? target.echo(token) : target.fill(token, out);
                FakeHost.Answer answer = host.answer(token);
                if (answer == null || !answer.honest()) {
                    wrong.add("call " + token + " returned " + got + " but the host answered " + answer);
                } else if (got != answer.result()) {
                    wrong.add("call " + token + " returned " + got + ", the host answered " + answer.result());
                } else if (!echo && !fits(got)) {
                    wrong.add("fill returned " + got + " for a buffer of " + out.length + " bytes");
                } else if (!echo && got >= 0) {
                    for (int k = 0; k < out.length; k++) {
                        if (out[k] != (byte) (token + k)) {
                            wrong.add("fill " + token + ": byte " + k + " is not the host's");
                            break;
                        }
                    }
                }
            } catch (DomainFailedException e) {
                domainFailed = true;
            } catch (InvalidDomainResultException e) {
                FakeHost.Answer answer = host.answer(token);
                if (echo || answer == null || fits(answer.result())) {
                    wrong.add("call " + token + " refused as invalid, the host answered " + answer + ": " + e);
                }
            } catch (Throwable e) {
                wrong.add("call " + token + " threw " + e);
            }
        }

        private static boolean fits(long length) {
            return length < 0 ? length == (int) length : length <= FakeHost.FILL_CAPACITY;
        }

        /** The stand-in host is gone and reaped, whatever the script did. */
        void assertReaped() throws InterruptedException {
            ProcessHandle child = host.process();
            if (child == null) {
                return;
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ProcessHandle.of(child.pid()).isPresent() && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            assertTrue(ProcessHandle.of(child.pid()).isEmpty(), "the host process " + child.pid() + " was not reaped");
        }
    }

    private static ProcessBackend backend;

    private static synchronized ProcessBackend backend() throws IOException {
        if (backend == null) {
            Path nativeDir = Path.of(System.getProperty("cordon.native", "../native/target"));
            backend = new ProcessBackend(new LibCordon(nativeDir.resolve("lib/libcordon.so")), fakeHostBinary());
        }
        return backend;
    }

    /** A stand-in for cordon-host that holds the channel (its fd 3) and waits to be killed. */
    private static synchronized Path fakeHostBinary() throws IOException {
        Path script = Path.of("target", "fake-cordon-host").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            Files.createDirectories(script.getParent());
            Files.writeString(script, "#!/bin/sh\nexec /bin/sleep 600\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return script;
    }
}
