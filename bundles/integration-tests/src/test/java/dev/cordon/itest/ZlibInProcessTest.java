package dev.cordon.itest;

import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import java.util.Map;

/**
 * The zlib suite on the inprocess baseline: a copy of the bundle whose policy
 * names inprocess (auto never picks it).
 */
class ZlibInProcessTest extends ZlibSuite {
    @Override
    String backend() {
        return "inprocess";
    }

    @Override
    void prepare(CordonFramework osgi) throws Exception {
        var jar = BundleVariant.of(Framework.bundles().resolve("dev.cordon.bundles.zlib.jar"),
                "dev.cordon.itest.zlib.inprocess",
                Map.of("Cordon-Domain", "native/zlib.so;backend=inprocess;memory=256m;arena=4m;threads=4"),
                "", bytes -> bytes);
        osgi.context().installBundle(jar.toUri().toString()).start();
    }
}
