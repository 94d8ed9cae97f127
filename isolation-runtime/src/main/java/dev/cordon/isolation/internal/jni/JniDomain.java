package dev.cordon.isolation.internal.jni;

import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.DomainTimeoutException;
import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.DomainStartException;
import dev.cordon.isolation.internal.backend.Lane;
import dev.cordon.isolation.internal.backend.Sandbox;
import dev.cordon.isolation.internal.policy.Policy;
import dev.cordon.isolation.internal.policy.RestartPolicy;
import java.io.IOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain of one isolated JNI bundle on the process backend: a
 * cordon-jni-host process with the bundle's library, across incarnations.
 * Its native methods stay bound to the shim's trampolines for good; each
 * call takes a lane here ({@link #acquire}, called by the trampoline), and a
 * call after a death starts the next incarnation, per the policy's restart
 * rules, with the library loaded and its functions found again.
 *
 * <p>The methods the shim calls back ({@link #acquire}, {@link #release},
 * {@link #failed}, {@link #violated}, {@link #timedOut}, {@link #findClass},
 * {@link #parameterTypes}, {@link #fieldType}, {@link #registerNative},
 * {@link #checkAllocatable}, {@link #settable}) are named in native/jni/shim.c.
 */
final class JniDomain {
    private static final Logger LOG = LoggerFactory.getLogger(JniDomain.class);
    /** Offset of a lane's arena in its slot (cordon/channel.h CORDON_SLOT_HEAD). */
    private static final long SLOT_HEAD = 256;
    private static final long DEATH_REPORT_MILLIS = 2_000;

    private final Bundle bundle;
    private final Policy policy;
    private final Backend backend;
    private final Path dataDir;
    private final ClassLoader loader;
    private final long shim;
    private final List<Bound> bound = new ArrayList<>();
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private final LongAdder calls = new LongAdder();
    private final AtomicLong faults = new AtomicLong();
    // CONCURRENCY: written under this, read without
    private volatile Incarnation current;
    private volatile boolean failedForGood;
    private Path library;

    /** @param symbol its Java_* name; null for one the library registered itself (RegisterNatives) */
    private record Bound(NativeMethods.Method method, int index, String symbol) {
    }

    private record Held(Incarnation incarnation, Lane lane) {
    }

    /** One cordon-jni-host process. */
    private static final class Incarnation {
        final Sandbox sandbox;
        final CountDownLatch died = new CountDownLatch(1);
        volatile String deathReason;
        /** Killed by us: dead for new calls at once, before the reaper says so. */
        volatile boolean ending;

        Incarnation(Sandbox sandbox) {
            this.sandbox = sandbox;
        }

        boolean dead() {
            return ending || died.getCount() == 0;
        }

        void end(String reason) {
            ending = true;
            sandbox.kill(reason);
        }
    }

    JniDomain(Bundle bundle, Policy policy, Backend backend, Path dataDir) {
        this.bundle = bundle;
        this.policy = policy;
        this.backend = backend;
        this.dataDir = dataDir;
        this.loader = bundle.adapt(BundleWiring.class).getClassLoader();
        this.shim = JniShim.newDomain(this, policy.deadline().toNanos());
        if (shim == 0) {
            throw new OutOfMemoryError("Cordon: no memory for the JNI domain of " + bundle.getSymbolicName());
        }
    }

    String name() {
        return bundle.getSymbolicName();
    }

    Path library() {
        return library;
    }

    int boundMethods() {
        return bound.size();
    }

    /** Is this the domain of that bundle's current class loader? */
    boolean serves(Bundle other) {
        BundleWiring wiring = other.adapt(BundleWiring.class);
        return other.getBundleId() == bundle.getBundleId() && wiring != null && wiring.getClassLoader() == loader;
    }

    long bundleId() {
        return bundle.getBundleId();
    }

    /** For cordon:domains: the backend reads "jni:process". */
    DomainInfo info() {
        Incarnation live = current;
        String state = failedForGood ? (library == null ? "STOPPED" : "FAILED")
                : live == null ? "STARTING" : live.dead() ? "RESTARTING" : "ACTIVE";
        return new DomainInfo(bundle.getBundleId(), name(), "jni:process", state, calls.sum(), faults.get(),
                restarts.get(), live == null ? 0 : live.sandbox.memoryBytes());
    }

    /** cordon:kill: ends the live incarnation as a fault would; the next call restarts it. */
    boolean kill(String reason) {
        Incarnation live = current;
        if (live == null) {
            return false;
        }
        live.end(reason);
        return true;
    }

    /** cordon:restart: a new incarnation now. */
    boolean restartNow() {
        Incarnation live = current;
        if (live == null || failedForGood) {
            return false;
        }
        live.end("restarted by request");
        restart(live);
        return true;
    }

    /**
     * Loads {@code copy} (Cordon's own copy of the library) into the domain and
     * binds every native method of the bundle that it implements. A second load
     * of the same library does nothing.
     *
     * @throws UnsatisfiedLinkError with the reason, as a failed System.load would
     */
    synchronized void load(Path copy) {
        if (library != null) {
            if (library.equals(copy)) {
                return;
            }
            throw new UnsatisfiedLinkError("Cordon: bundle " + name() + " already has " + library.getFileName()
                    + " in its domain; a second JNI library per isolated bundle is not supported yet");
        }
        try {
            current = start(copy);
            library = copy;
            bindAll(NativeMethods.of(bundle));
            onLoad();
        } catch (DomainStartException | IOException e) {
            throw linkError("cannot load " + copy.getFileName() + " into a domain: " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            library = null;
            Incarnation started = current;
            current = null;
            if (started != null) {
                started.sandbox.close();
            }
            throw e;
        }
    }

    private Incarnation start(Path copy) throws DomainStartException {
        byte[] path = (copy.toString() + "\0").getBytes(StandardCharsets.UTF_8);
        Incarnation[] self = new Incarnation[1];
        DomainSpec spec = new DomainSpec(name(), policy, path, dataDir, reason -> died(self[0], reason));
        Sandbox sandbox = backend.start(spec);
        self[0] = new Incarnation(sandbox);
        // the shim bounds every request by the lanes' arena, as the backend made it
        Lane lane = sandbox.acquire(policy.deadline().toNanos());
        long arenaBytes = lane.arena().byteSize();
        sandbox.release(lane);
        JniShim.newIncarnation(shim, arenaBytes);
        return self[0];
    }

    private void died(Incarnation incarnation, String reason) {
        if (incarnation == null) {
            return;
        }
        incarnation.deathReason = reason;
        incarnation.died.countDown();
        faults.incrementAndGet();
        boolean again = policy.restart() == RestartPolicy.ALWAYS && restarts.get() < policy.maxRestarts();
        LOG.warn("Cordon: JNI domain {} ({}) failed: {}; {}", name(), library == null ? "?" : library.getFileName(),
                reason, again ? "it restarts at the next call" : "not restarting (restart="
                        + policy.restart().name().toLowerCase() + ", " + restarts.get() + " restarts so far)");
    }

    private void bindAll(NativeMethods natives) {
        for (NativeMethods.Method m : natives.methods()) {
            String symbol = m.shortSymbol();
            int index = bound.size();
            int status = JniShim.hostBind(shim, index, symbol, m.descriptor());
            if (status == JniShim.NO_SYMBOL) {
                symbol = m.longSymbol();
                status = JniShim.hostBind(shim, index, symbol, m.descriptor());
            }
            if (status == JniShim.NO_SYMBOL) {
                continue; // not this library's method
            }
            if (status != 0) {
                throw linkError("cannot bind " + m.className() + "." + m.name() + m.descriptor() + " (status "
                        + status + ")", null);
            }
            registerNative(m, index);
            bound.add(new Bound(m, index, symbol));
        }
    }

    private void registerNative(NativeMethods.Method m, int index) {
        try {
            Class<?> cls = Class.forName(m.className(), false, loader);
            Class<?> returns = MethodType.fromMethodDescriptorString(m.descriptor(), loader).returnType();
            if (JniShim.bind(shim, cls, m.name(), m.descriptor(), returns.isPrimitive() ? null : returns, index) != 0) {
                throw linkError("RegisterNatives refused " + m.className() + "." + m.name(), null);
            }
        } catch (ClassNotFoundException | TypeNotPresentException e) {
            throw linkError("cannot bind " + m.className() + "." + m.name() + ": " + e, e);
        }
    }

    private void onLoad() {
        int version = JniShim.onLoad(shim);
        if (version < 0) {
            throw linkError("JNI_OnLoad of " + library.getFileName() + " failed", null);
        }
    }

    /** After a death: the next incarnation, with everything bound again; or the end. */
    private synchronized Incarnation restart(Incarnation dead) {
        if (current != dead && current != null && !current.dead()) {
            return current;
        }
        if (failedForGood || policy.restart() != RestartPolicy.ALWAYS || restarts.get() >= policy.maxRestarts()) {
            failedForGood = true;
            throw new DomainFailedException(name() + ": domain is failed"
                    + (dead != null && dead.deathReason != null ? " (" + dead.deathReason + ")" : "")
                    + "; restart=" + policy.restart().name().toLowerCase() + ", " + restarts.get() + " restarts");
        }
        if (dead != null) {
            dead.sandbox.close(); // its channel and lanes; the process is gone
        }
        try {
            current = start(library);
            restarts.incrementAndGet();
            for (Bound b : bound) {
                if (b.symbol() == null) {
                    continue; // JNI_OnLoad registers it again
                }
                int status = JniShim.hostBind(shim, b.index(), b.symbol(), b.method().descriptor());
                if (status != 0) {
                    throw new DomainFailedException(name() + ": the restarted domain lacks " + b.symbol());
                }
            }
            onLoad();
            LOG.info("Cordon: JNI domain {} restarted ({} restarts)", name(), restarts.get());
            return current;
        } catch (DomainStartException e) {
            failedForGood = true;
            throw new DomainFailedException(name() + ": could not be restarted: " + e.getMessage(), e);
        }
    }

    /** Bundle stop: the domain ends; its methods fail from now on. */
    synchronized void stop() {
        failedForGood = true;
        Incarnation live = current;
        current = null;
        if (live != null) {
            live.sandbox.close(DEATH_REPORT_MILLIS * 1_000_000);
        }
    }

    // --- called by the shim ---

    /** A lane for one call: the address of its slot in the channel. */
    long acquire() {
        Incarnation live = current;
        if (live == null || live.dead()) {
            live = restart(live);
        }
        Lane lane = live.sandbox.acquire(policy.deadline().toNanos());
        calls.increment();
        long slot = lane.arena().address() - SLOT_HEAD;
        held.put(slot, new Held(live, lane));
        return slot;
    }

    void release(long slot) {
        Held h = held.remove(slot);
        if (h != null) {
            h.incarnation.sandbox.release(h.lane);
        }
    }

    /** The lane found its domain dead. */
    Throwable failed(long slot) {
        Incarnation inc = incarnationOf(slot);
        try {
            inc.died.await(DEATH_REPORT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!inc.dead()) {
            // alive, yet its lane says otherwise: it broke the channel's protocol
            inc.end("cordon-jni-host broke the lane's protocol");
        }
        return new DomainFailedException(name() + ": domain ended: "
                + (inc.deathReason != null ? inc.deathReason : "cordon-jni-host broke the lane's protocol"));
    }

    /** The domain broke a JNI rule (a forged handle, FatalError, ...): it is ended. */
    Throwable violated(long slot, String reason) {
        incarnationOf(slot).end("JNI: " + reason);
        return new DomainFailedException(name() + ": domain ended: JNI: " + reason);
    }

    Throwable timedOut(long slot) {
        String reason = "call exceeded the deadline of " + policy.deadline().toMillis() + " ms";
        incarnationOf(slot).end(reason);
        return new DomainTimeoutException(name() + ": " + reason);
    }

    /** FindClass, with the bundle's class loader. */
    Class<?> findClass(String jniName) {
        String binary = jniName.replace('/', '.');
        try {
            return Class.forName(binary, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            NoClassDefFoundError error = new NoClassDefFoundError(jniName);
            error.initCause(e);
            throw error;
        }
    }

    /**
     * RegisterNatives from the library: {@code cls.name} (a native method the
     * bundle's own class declares) now calls the domain; the index the domain
     * keeps the function under. The same method registered again (JNI_OnLoad
     * of a restarted domain) keeps its index.
     */
    synchronized int registerNative(Class<?> cls, String name, String descriptor) {
        if (cls.getClassLoader() != loader || !declaresNative(cls, name, descriptor)) {
            throw new NoSuchMethodError("Cordon: RegisterNatives from the domain of " + name() + ": "
                    + cls.getName() + "." + name + descriptor + " is no native method of the bundle's own classes");
        }
        NativeMethods.Method m = new NativeMethods.Method(cls.getName(), name, descriptor);
        for (Bound b : bound) {
            if (b.method().equals(m)) {
                return b.index();
            }
        }
        int index = bound.size();
        registerNative(m, index);
        bound.add(new Bound(m, index, null));
        return index;
    }

    private static boolean declaresNative(Class<?> cls, String name, String descriptor) {
        for (java.lang.reflect.Method m : cls.getDeclaredMethods()) {
            if (m.getName().equals(name) && java.lang.reflect.Modifier.isNative(m.getModifiers())
                    && MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString()
                            .equals(descriptor)) {
                return true;
            }
        }
        return false;
    }

    /** GetMethodID's check and record: the parameter types of a method the bundle may call. */
    Class<?>[] parameterTypes(Object executable) {
        Executable e = (Executable) executable;
        checkAccess(e.getDeclaringClass(), e.getModifiers(), e.toString());
        return e.getParameterTypes();
    }

    /** GetFieldID's check and record: the type of a field the bundle may use. */
    Class<?> fieldType(Object field) {
        Field f = (Field) field;
        checkAccess(f.getDeclaringClass(), f.getModifiers(), f.toString());
        return f.getType();
    }

    /** Set*Field: the bundle's own fields, or any other that is not final (JNI would write those too). */
    boolean settable(Object field) {
        Field f = (Field) field;
        return f.getDeclaringClass().getClassLoader() == loader
                || !java.lang.reflect.Modifier.isFinal(f.getModifiers());
    }

    /** AllocObject: an object no constructor ran for, of the bundle's own classes only. */
    void checkAllocatable(Class<?> cls) {
        if (cls.getClassLoader() != loader) {
            throw new IllegalAccessError("Cordon: the domain of " + name() + " may not AllocObject " + cls.getName()
                    + ": not the bundle's own class");
        }
    }

    /**
     * JNI ignores Java's access rules; a domain does not: it may use its own
     * bundle's members, and public members of public classes in packages
     * exported to the bundle, no more than the bundle's Java code could
     * (jdk.internal.misc.Unsafe, a String's value: refused).
     */
    private void checkAccess(Class<?> declaring, int modifiers, String what) {
        if (declaring.getClassLoader() == loader) {
            return;
        }
        String pkg = declaring.getPackageName();
        boolean exported = declaring.getModule().isExported(pkg, loader.getUnnamedModule());
        if (!java.lang.reflect.Modifier.isPublic(modifiers) || !java.lang.reflect.Modifier.isPublic(
                declaring.getModifiers()) || !exported) {
            throw new IllegalAccessError("Cordon: the domain of " + name() + " may not use " + what
                    + ": not the bundle's own, and not public in an exported package");
        }
    }

    private Incarnation incarnationOf(long slot) {
        Held h = held.get(slot);
        return h != null ? h.incarnation : current;
    }

    private UnsatisfiedLinkError linkError(String what, Throwable cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Cordon: bundle " + name() + ": " + what);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
