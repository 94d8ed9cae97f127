package dev.cordon.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cordon.isolation.internal.nativelib.MpkLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The mpk gate's SOFTWARE PATH: everything a call through the gate does
 * (attach check, lane, deadline, stack and FS-base switch, Syscall User
 * Dispatch selector, register scrubbing, return) except the two WRPKRUs,
 * which these machines lack, on a domain created with
 * CORDON_MPK_SOFTWARE_ONLY. That domain isolates no memory: this is a cost
 * measurement, never a backend. Runs wherever the CPU has FSGSBASE.
 *
 * <p>It calls the native gate directly. A bundle's call also goes through the
 * service proxy and the lane pool, which every backend shares: that part is
 * what GateBenchmark.emptyCall_inprocess adds to a plain FFM call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
public class MpkSoftwareBenchmark {
    /** The default policy's deadline: every call of a bundle arms one, and so does this. */
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private MpkLibrary mpk;
    private byte[] image;
    private MpkLibrary.Config config;
    private MemorySegment domain;
    private MemorySegment noop;
    private Arena arena;
    private MemorySegment words;
    private MemorySegment result;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        mpk = new MpkLibrary(ZlibImage.libcordon());
        image = ZlibImage.bytes();
        config = new MpkLibrary.Config(64L << 20, 1L << 20, 256 << 10, 1, -1, 0x1f, MpkLibrary.SOFTWARE_ONLY);
        domain = mpk.create(image, config);
        noop = mpk.symbol(domain, "zc_noop");
        arena = Arena.ofShared();
        words = arena.allocate(JAVA_LONG, 7);
        result = words.asSlice(48);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        mpk.destroy(domain);
        arena.close();
    }

    /** AverageTime, as GateBenchmark's calls it is compared with. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int emptyCall_mpkSoftwarePath() {
        int status = mpk.call(domain, 0, noop, words, result, DEADLINE_NANOS);
        if (status != MpkLibrary.CALL_OK) {
            throw new IllegalStateException("gate call failed: " + status + " " + mpk.reason(domain));
        }
        return status;
    }

    /** A restart: the region of the domain before is kept for the next (native/gate/warm.c). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void domainCreateDestroy_mpkSoftwarePath() throws Exception {
        mpk.destroy(mpk.create(image, config));
    }

    /** A first start: no region kept, each create maps and loads afresh. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void domainCreateDestroyCold_mpkSoftwarePath(ColdRegions cold) throws Exception {
        mpk.destroy(mpk.create(image, config));
    }

    /** For the cold benchmarks: no destroyed domain's region is kept. */
    @State(Scope.Benchmark)
    public static class ColdRegions {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            new MpkLibrary(ZlibImage.libcordon()).warmRegions(0);
        }
    }
}
