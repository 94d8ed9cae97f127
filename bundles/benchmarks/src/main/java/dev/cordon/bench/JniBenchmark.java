package dev.cordon.bench;

import dev.cordon.demo.CordonFramework;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The unmodified zstd-jni and lz4-java jars isolated on process (their
 * libraries in a cordon-jni-host domain) side by side with the same jars
 * unisolated, in one JVM: zstd compress of 1 KiB and 1 MiB, lz4 compress and
 * decompress of 64 KiB; and the cost of a JNI call back from a domain
 * (hostile-jni's jniVersion, one GetVersion, against its echo, none; an
 * array argument's GetArrayLength is answered in the domain from the
 * array sent with the call, arrayLength).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JniBenchmark {
    private static final String ZSTD = "com.github.luben.zstd-jni";
    private static final String LZ4 = "lz4-java";
    private static final String HOSTILE = "dev.cordon.bundles.hostilejni";

    private CordonFramework isolated;
    private CordonFramework unisolated;
    private Side in;
    private Side out;
    private final byte[] k1 = mixed(1 << 10);
    private final byte[] m1 = mixed(1 << 20);
    private final byte[] k64 = mixed(64 << 10);
    private byte[] k64packed;
    private final byte[] k64back = new byte[64 << 10];
    private final int[] ints = new int[16];

    /** One framework's handles on the jars' public methods. */
    static final class Side {
        final MethodHandle zstdCompress;
        final MethodHandle lz4Compress;
        final MethodHandle lz4Decompress;
        final MethodHandle echo;
        final MethodHandle arrayLength;
        final MethodHandle jniVersion;

        Side(CordonFramework osgi) throws Throwable {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> zstd = osgi.bundle(ZSTD).loadClass("com.github.luben.zstd.Zstd");
            zstdCompress = lookup.findStatic(zstd, "compress", MethodType.methodType(byte[].class, byte[].class));
            Class<?> factory = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4Factory");
            Object lz4 = factory.getMethod("nativeInstance").invoke(null);
            Class<?> compressor = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4Compressor");
            Class<?> decompressor = osgi.bundle(LZ4).loadClass("net.jpountz.lz4.LZ4FastDecompressor");
            lz4Compress = lookup.findVirtual(compressor, "compress", MethodType.methodType(byte[].class, byte[].class))
                    .bindTo(factory.getMethod("fastCompressor").invoke(lz4));
            lz4Decompress = lookup.findVirtual(decompressor, "decompress", MethodType.methodType(int.class,
                    byte[].class, int.class, byte[].class, int.class, int.class))
                    .bindTo(factory.getMethod("fastDecompressor").invoke(lz4));
            Class<?> hostile = osgi.bundle(HOSTILE).loadClass("dev.cordon.bundles.hostilejni.HostileJni");
            echo = lookup.findStatic(hostile, "echo", MethodType.methodType(int.class, int.class));
            arrayLength = lookup.findStatic(hostile, "arrayLength", MethodType.methodType(int.class, int[].class));
            jniVersion = lookup.findStatic(hostile, "jniVersion", MethodType.methodType(int.class));
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        Path bundles = Path.of(System.getProperty("cordon.bundles", "bundles/demo/target/bundles"));
        Path jni = Path.of(System.getProperty("cordon.jni-bundles", "bundles/benchmarks/target/jni-bundles"));
        String policy = ";backend=process;memory=256m;arena=1m;deadline=10s";
        isolated = CordonFramework.start(Files.createTempDirectory("cordon-bench-jni"), List.of(bundles, jni),
                Map.of("dev.cordon.isolate", ZSTD + policy + "," + LZ4 + policy + "," + HOSTILE + policy));
        unisolated = CordonFramework.start(Files.createTempDirectory("cordon-bench-jni-plain"), List.of(bundles, jni),
                Map.of());
        in = new Side(isolated);
        out = new Side(unisolated);
        k64packed = (byte[]) out.lz4Compress.invoke(k64);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        isolated.close();
        unisolated.close();
    }

    @Benchmark
    public byte[] zstdCompress1k_isolated() throws Throwable {
        return (byte[]) in.zstdCompress.invoke(k1);
    }

    @Benchmark
    public byte[] zstdCompress1k_unisolated() throws Throwable {
        return (byte[]) out.zstdCompress.invoke(k1);
    }

    @Benchmark
    public byte[] zstdCompress1m_isolated() throws Throwable {
        return (byte[]) in.zstdCompress.invoke(m1);
    }

    @Benchmark
    public byte[] zstdCompress1m_unisolated() throws Throwable {
        return (byte[]) out.zstdCompress.invoke(m1);
    }

    @Benchmark
    public byte[] lz4Compress64k_isolated() throws Throwable {
        return (byte[]) in.lz4Compress.invoke(k64);
    }

    @Benchmark
    public byte[] lz4Compress64k_unisolated() throws Throwable {
        return (byte[]) out.lz4Compress.invoke(k64);
    }

    @Benchmark
    public int lz4Decompress64k_isolated() throws Throwable {
        return (int) in.lz4Decompress.invoke(k64packed, 0, k64back, 0, k64back.length);
    }

    @Benchmark
    public int lz4Decompress64k_unisolated() throws Throwable {
        return (int) out.lz4Decompress.invoke(k64packed, 0, k64back, 0, k64back.length);
    }

    @Benchmark
    public int jniCall_isolated() throws Throwable {
        return (int) in.echo.invoke(1);
    }

    @Benchmark
    public int jniCallOneCallback_isolated() throws Throwable {
        return (int) in.jniVersion.invoke();
    }

    @Benchmark
    public int jniCallOneCallback_unisolated() throws Throwable {
        return (int) out.jniVersion.invoke();
    }

    @Benchmark
    public int jniCallArrayLength_isolated() throws Throwable {
        return (int) in.arrayLength.invoke(ints);
    }

    /** Runs of text and of noise, as the tests' corpus. */
    static byte[] mixed(int n) {
        byte[] b = new byte[n];
        Random r = new Random(7);
        byte[] text = "the quick brown fox jumps over the lazy dog 0123456789 ".getBytes();
        for (int i = 0; i < n;) {
            int run = Math.min(n - i, 64 + r.nextInt(4096));
            if (r.nextBoolean()) {
                for (int j = 0; j < run; j++) {
                    b[i + j] = text[(i + j) % text.length];
                }
            } else {
                byte[] noise = new byte[run];
                r.nextBytes(noise);
                System.arraycopy(noise, 0, b, i, run);
            }
            i += run;
        }
        return b;
    }
}
