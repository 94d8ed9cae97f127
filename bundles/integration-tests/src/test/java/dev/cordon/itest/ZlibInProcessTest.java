package dev.cordon.itest;

import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import java.util.Map;
import org.osgi.framework.Bundle;

/**
 * The zlib suite on the inprocess baseline: a copy of the bundle whose policy
 * names inprocess (auto never picks it). The bundle as built is stopped first,
 * so the DS consumer binds the inprocess copy: the only Compressor left.
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
        for (Bundle bundle : osgi.context().getBundles()) {
            if ("dev.cordon.bundles.zlib".equals(bundle.getSymbolicName())) {
                bundle.stop();
            }
        }
        osgi.context().installBundle(jar.toUri().toString()).start();
    }
}
