package dev.cordon.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;

/** The zlib domain image, as the reactor's zlib bundle carries it. */
final class ZlibImage {
    private ZlibImage() {
    }

    static byte[] bytes() throws IOException {
        Path bundles = Path.of(System.getProperty("cordon.bundles", "bundles/demo/target/bundles"));
        try (JarFile jar = new JarFile(bundles.resolve("dev.cordon.bundles.zlib.jar").toFile())) {
            return jar.getInputStream(jar.getEntry("native/zlib.so")).readAllBytes();
        }
    }

    static Path libcordon() {
        return Path.of(System.getProperty("cordon.native", "native/target")).resolve("lib/libcordon.so");
    }
}
