package dev.cordon.bench;

import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.isolation.internal.nativelib.MpkLibrary;
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
 * The mpk backend with real protection keys ({@code ./cordon bench --pku}, on
 * a machine with PKU): the zlib bundle as built, which auto puts on mpk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
public class PkuBenchmark {
    private BenchFramework framework;
    private Compressor mpkZlib;
    private byte[] packed;
    private final byte[] out = new byte[GateBenchmark.INFLATED];
    private MpkLibrary mpk;
    private byte[] image;
    private MpkLibrary.Config config;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        framework = new BenchFramework(true);
        mpkZlib = framework.zlib("mpk");
        byte[] text = "Cordon gates cost what they cost, and this benchmark says how much. "
                .repeat(GateBenchmark.INFLATED / 60 + 1).getBytes(StandardCharsets.US_ASCII);
        text = Arrays.copyOf(text, GateBenchmark.INFLATED);
        Deflater deflater = new Deflater(6);
        deflater.setInput(text);
        deflater.finish();
        byte[] buffer = new byte[GateBenchmark.INFLATED * 2];
        packed = Arrays.copyOf(buffer, deflater.deflate(buffer));
        deflater.end();
        mpk = new MpkLibrary(ZlibImage.libcordon());
        image = ZlibImage.bytes();
        config = new MpkLibrary.Config(64L << 20, 1L << 20, 256 << 10, 1, -1, 0x1f, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        framework.close();
    }

    /** Calls: AverageTime, as GateBenchmark's calls they are compared with. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long emptyCall_mpk() {
        return mpkZlib.noop();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int inflate64k_mpk() {
        return mpkZlib.inflate(packed, out);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void domainCreateDestroy_mpk() throws Exception {
        mpk.destroy(mpk.create(image, config));
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void domainCreateDestroyCold_mpk(MpkSoftwareBenchmark.ColdRegions cold) throws Exception {
        mpk.destroy(mpk.create(image, config));
    }
}
