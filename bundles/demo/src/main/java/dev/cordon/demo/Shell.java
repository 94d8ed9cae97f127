package dev.cordon.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code ./cordon shell}: the demo's framework plus the Gogo shell, with the
 * commands cordon:domains, cordon:stats, cordon:restart and cordon:kill.
 */
public final class Shell {
    private Shell() {
    }

    public static void main(String[] args) throws Exception {
        Path storage = Files.createTempDirectory("cordon-shell");
        try (CordonFramework osgi = CordonFramework.start(storage, List.of(Path.of(args[0]), Path.of(args[1])))) {
            System.out.println("Cordon shell: try cordon:domains, cordon:stats, cordon:kill <id>; 'stop 0' to exit");
            osgi.waitForStop(Duration.ofDays(365));
        }
        System.exit(0);
    }
}
