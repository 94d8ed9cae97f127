package dev.cordon.bench;

import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.osgi.framework.ServiceReference;

/**
 * The demo's framework plus a copy of the zlib bundle on the inprocess
 * backend, so one run measures both backends through the same gate code.
 */
final class BenchFramework implements AutoCloseable {
    final CordonFramework osgi;

    BenchFramework() throws Exception {
        this(false);
    }

    /**
     * @param mpk false: only process and inprocess may run (auto picks process);
     *            true: only mpk and inprocess, so auto picks mpk
     */
    BenchFramework(boolean mpk) throws Exception {
        Path bundles = Path.of(System.getProperty("cordon.bundles", "bundles/demo/target/bundles"));
        osgi = CordonFramework.start(Files.createTempDirectory("cordon-bench"), List.of(bundles),
                Map.of("dev.cordon.backends", mpk ? "mpk,inprocess" : "process,inprocess"));
        Path inprocess = BundleVariant.of(bundles.resolve("dev.cordon.bundles.zlib.jar"),
                "dev.cordon.bench.zlib.inprocess",
                Map.of("Cordon-Domain", "native/zlib.so;backend=inprocess;memory=256m;arena=1m;threads=8"),
                "", bytes -> bytes);
        osgi.context().installBundle(inprocess.toUri().toString()).start();
        osgi.service(Compressor.class, Duration.ofSeconds(30));
    }

    Compressor zlib(String backend) throws Exception {
        Collection<ServiceReference<Compressor>> refs = osgi.context()
                .getServiceReferences(Compressor.class, "(cordon.backend=" + backend + ")");
        if (refs.isEmpty()) {
            throw new IllegalStateException("no zlib on " + backend);
        }
        return osgi.context().getService(refs.iterator().next());
    }

    @Override
    public void close() throws Exception {
        osgi.close();
    }
}
