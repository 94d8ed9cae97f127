package dev.cordon.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code ./cordon shell}: the demo's framework plus the Gogo shell, with the
 * commands cordon:domains, cordon:stats, cordon:restart and cordon:kill.
 */
public final class Shell {
    /**
     * The framework properties of the shell: Gogo's runtime is granted the
     * Domains service, so cordon:kill and cordon:restart work from the prompt.
     */
    public static final Map<String, String> PROPERTIES =
            Map.of("dev.cordon.domains.admins", "org.apache.felix.gogo.runtime");

    private Shell() {
    }

    public static void main(String[] args) throws Exception {
        Path storage = Files.createTempDirectory("cordon-shell");
        try (CordonFramework osgi = CordonFramework.start(storage, List.of(Path.of(args[0]), Path.of(args[1])),
                PROPERTIES)) {
            System.out.println("Cordon shell: try cordon:domains, cordon:stats, cordon:kill <id>; 'stop 0' to exit");
            osgi.waitForStop(Duration.ofDays(365));
        }
        System.exit(0);
    }
}
