package dev.cordon.itest;

import dev.cordon.demo.CordonFramework;
import java.nio.file.Files;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A fresh framework with the reactor's bundles, in its own storage directory per test class. */
final class Framework {
    private Framework() {
    }

    static CordonFramework start(String name) throws Exception {
        return start(name, Map.of());
    }

    /**
     * With framework properties, e.g. {@code dev.cordon.backends=process}. The
     * system property {@code cordon.backends} gives that one to every framework
     * that does not set it itself (run-in-vm: the suites on mpk, then on uswitch).
     */
    static CordonFramework start(String name, Map<String, String> properties) throws Exception {
        return start(name, properties, List.of());
    }

    /** With bundles from more directories, installed (and started) after the reactor's. */
    static CordonFramework start(String name, Map<String, String> properties, List<Path> moreBundles)
            throws Exception {
        Path storage = Path.of(System.getProperty("cordon.storage", "target/felix")).resolve(name);
        Files.createDirectories(storage.getParent());
        Map<String, String> all = new HashMap<>(properties);
        String backends = System.getProperty("cordon.backends");
        if (backends != null) {
            all.putIfAbsent("dev.cordon.backends", backends);
        }
        List<Path> dirs = new ArrayList<>(List.of(bundles()));
        dirs.addAll(moreBundles);
        return CordonFramework.start(storage, dirs, all);
    }

    static Path bundles() {
        return Path.of(System.getProperty("cordon.bundles", "../demo/target/bundles"));
    }
}
