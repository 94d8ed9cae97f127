package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.cordon.demo.CordonFramework;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/** An isolated JNI bundle refreshed: its new classes get a domain of their own, bound again. */
class HostileJniRefreshTest {
    private static final String BUNDLE = "dev.cordon.bundles.hostilejni";

    @Test
    void afterARefresh_TheNewClassesAreBound_AndAnswer() throws Exception {
        try (CordonFramework osgi = Framework.start("jni-hostile-refresh", Map.of("dev.cordon.isolate",
                BUNDLE + ";backend=process"),
                List.of(Path.of(System.getProperty("cordon.hostile-jni", "target/hostile-jni"))))) {
            Bundle bundle = osgi.bundle(BUNDLE);
            Class<?> before = bundle.loadClass("dev.cordon.bundles.hostilejni.HostileJni");
            assertEquals(11, before.getMethod("echo", int.class).invoke(null, 10));
            CountDownLatch done = new CountDownLatch(1);
            osgi.context().getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle),
                    (FrameworkEvent e) -> done.countDown());
            done.await(30, TimeUnit.SECONDS);
            Class<?> after = osgi.bundle(BUNDLE).loadClass("dev.cordon.bundles.hostilejni.HostileJni");
            assertNotSame(before, after, "the refresh made a new class loader");
            assertEquals(21, after.getMethod("echo", int.class).invoke(null, 20));
            assertEquals(8, after.getMethod("twice", int.class).invoke(null, 4), "JNI_OnLoad ran for it again");
        }
    }
}
