package dev.cordon.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cordon.bundles.zlib.Compressor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
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
 * One call through each backend's gate, side by side with the same work as a
 * plain FFM call: an empty call, and inflating 64 KiB.
 *
 * <p>AverageTime, not SampleTime: a sample is timed with two clock reads,
 * about 25 ns on a paravirtual clock, which would be most of an 8 ns plain
 * call and flatter every ratio to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GateBenchmark {
    static final int INFLATED = 64 * 1024;

    private BenchFramework framework;
    private Compressor process;
    private Compressor inprocess;
    private byte[] packed;
    private final byte[] out = new byte[INFLATED];
    private Arena arena;
    private MemorySegment nativePacked;
    private MemorySegment nativeOut;
    private MemorySegment nativeOutLength;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        framework = new BenchFramework();
        process = framework.zlib("process");
        inprocess = framework.zlib("inprocess");
        byte[] text = "Cordon gates cost what they cost, and this benchmark says how much. "
                .repeat(INFLATED / 60 + 1).getBytes(StandardCharsets.US_ASCII);
        text = Arrays.copyOf(text, INFLATED);
        Deflater deflater = new Deflater(6);
        deflater.setInput(text);
        deflater.finish();
        byte[] buffer = new byte[INFLATED * 2];
        packed = Arrays.copyOf(buffer, deflater.deflate(buffer));
        deflater.end();
        arena = Arena.ofShared();
        nativePacked = arena.allocateFrom(JAVA_BYTE, packed);
        nativeOut = arena.allocate(INFLATED);
        nativeOutLength = arena.allocate(JAVA_LONG);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        framework.close();
        arena.close();
    }

    @Benchmark
    public long emptyCall_process() {
        return process.noop();
    }

    @Benchmark
    public long emptyCall_inprocess() {
        return inprocess.noop();
    }

    @Benchmark
    public int emptyCall_plainFfm() throws Throwable {
        return (int) Natives.ABS.invokeExact(-1);
    }

    @Benchmark
    public int inflate64k_process() {
        return process.inflate(packed, out);
    }

    @Benchmark
    public int inflate64k_inprocess() {
        return inprocess.inflate(packed, out);
    }

    /** The same copies as a gate makes (bytes in, bytes out), around the system zlib. */
    @Benchmark
    public int inflate64k_plainFfm() throws Throwable {
        MemorySegment.copy(packed, 0, nativePacked, JAVA_BYTE, 0, packed.length);
        nativeOutLength.set(JAVA_LONG, 0, INFLATED);
        int rc = (int) Natives.UNCOMPRESS.invokeExact(nativeOut, nativeOutLength, nativePacked, (long) packed.length);
        MemorySegment.copy(nativeOut, JAVA_BYTE, 0, out, 0, INFLATED);
        return rc;
    }
}
