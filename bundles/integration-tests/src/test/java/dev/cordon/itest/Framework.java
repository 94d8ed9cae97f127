package dev.cordon.itest;

import dev.cordon.demo.CordonFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A fresh framework with the reactor's bundles, in its own storage directory per test class. */
final class Framework {
    private Framework() {
    }

    static CordonFramework start(String name) throws Exception {
        return start(name, Map.of());
    }

    /** With framework properties, e.g. {@code dev.cordon.backends=process}. */
    static CordonFramework start(String name, Map<String, String> properties) throws Exception {
        Path storage = Path.of(System.getProperty("cordon.storage", "target/felix")).resolve(name);
        Files.createDirectories(storage.getParent());
        return CordonFramework.start(storage, List.of(bundles()), properties);
    }

    static Path bundles() {
        return Path.of(System.getProperty("cordon.bundles", "../demo/target/bundles"));
    }
}
