package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/**
 * dev.cordon.uswitch.uids unset under a root JVM: a uswitch domain's kernel
 * context never keeps root's uid; it runs as nobody (in the VM, where the
 * JVM is root and uswitch exists; skipped elsewhere, with the reason).
 */
class UswitchDefaultUidTest {
    private static final long NOBODY = 65534;

    @Test
    void unset_UnderARootJvm_TheDomainsFilesBelongToNobody() throws Exception {
        long jvmUid = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        Assumptions.assumeTrue(jvmUid == 0, "the JVM runs as uid " + jvmUid + ", not root");
        try (CordonFramework osgi = Framework.start("uids-default")) {
            Path jar = BundleVariant.of(Framework.bundles().resolve("dev.cordon.bundles.hostile.jar"),
                    "dev.cordon.itest.nobody", Map.of("Cordon-Domain", "native/hostile.so;files=data"), "",
                    bytes -> bytes);
            Bundle bundle = osgi.context().installBundle(jar.toUri().toString());
            bundle.start();
            var ref = osgi.context().getServiceReferences(Hostile.class, "(cordon.domain=dev.cordon.itest.nobody)")
                    .iterator().next();
            String backend = (String) ref.getProperty("cordon.backend");
            Assumptions.assumeTrue(backend.equals("uswitch"), "runs on " + backend + ", not uswitch");
            assertEquals(5, osgi.context().getService(ref).createFile(), "the domain creates /created-by-domain");
            Path data = bundle.getBundleContext().getDataFile("cordon-data").toPath();
            Path file = data.resolve("created-by-domain");
            assertEquals(NOBODY, ((Integer) Files.getAttribute(file, "unix:uid")).longValue(), "owner");
            assertEquals(NOBODY, ((Integer) Files.getAttribute(file, "unix:gid")).longValue(), "group");
        }
    }
}
