package dev.cordon.bench;

import dev.cordon.isolation.internal.backend.Backend;
import dev.cordon.isolation.internal.backend.DomainSpec;
import dev.cordon.isolation.internal.backend.UnverifiedImages;
import dev.cordon.isolation.internal.extender.Backends;
import dev.cordon.isolation.internal.extender.NativeArtifacts;
import dev.cordon.isolation.internal.policy.BackendChoice;
import dev.cordon.isolation.internal.policy.Policy;
import dev.cordon.isolation.internal.policy.RestartPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Creating and destroying a domain (the zlib image, loaded and ready to call)
 * against spawning a trivial process.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LifecycleBenchmark {
    private Backend process;
    private DomainSpec spec;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path nativeTarget = Path.of(System.getProperty("cordon.native", "native/target"));
        process = Backends.selector(NativeArtifacts.inDirectory(nativeTarget), "process",
                UnverifiedImages.none()).select(BackendChoice.PROCESS);
        Path bundles = Path.of(System.getProperty("cordon.bundles", "bundles/demo/target/bundles"));
        byte[] image;
        try (JarFile jar = new JarFile(bundles.resolve("dev.cordon.bundles.zlib.jar").toFile())) {
            image = jar.getInputStream(jar.getEntry("native/zlib.so")).readAllBytes();
        }
        Policy policy = new Policy("native/zlib.so", BackendChoice.PROCESS, 64L << 20, 1L << 20,
                Duration.ofSeconds(5), 1, RestartPolicy.NEVER, 0, false, java.util.Set.copyOf(Policy.SYSCALL_GROUPS));
        spec = new DomainSpec("bench", policy, image, Files.createTempDirectory("cordon-bench"), reason -> { });
    }

    @Benchmark
    public void domainCreateDestroy_process() throws Exception {
        process.start(spec).close();
    }

    @Benchmark
    public int processSpawn_binTrue() throws Exception {
        return new ProcessBuilder("/bin/true").start().waitFor();
    }
}
