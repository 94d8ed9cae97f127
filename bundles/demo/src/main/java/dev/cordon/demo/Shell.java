package dev.cordon.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code ./cordon shell [--bundles DIR]}: the demo's framework plus the Gogo
 * shell, with the commands cordon:domains, cordon:stats, cordon:restart and
 * cordon:kill, and the bundles of each further directory given.
 */
public final class Shell {
    /**
     * The framework properties of the shell: Gogo's runtime is granted the
     * Domains service, so cordon:kill and cordon:restart work from the prompt.
     */
    public static final Map<String, String> PROPERTIES =
            Map.of("dev.cordon.domains.admins", "org.apache.felix.gogo.runtime");

    static final String BANNER = "Cordon shell: try cordon:domains, cordon:stats, cordon:restart <id>,"
            + " cordon:kill <id>, help cordon:kill; 'stop 0' to exit";

    private Shell() {
    }

    /** Arguments: the directories of bundles to install, the demo's first. */
    public static void main(String[] args) throws Exception {
        List<Path> dirs = Arrays.stream(args).map(Path::of).toList();
        try (TempStorage storage = new TempStorage("cordon-shell");
                CordonFramework osgi = CordonFramework.start(storage.dir(), dirs, PROPERTIES)) {
            System.out.println(BANNER);
            osgi.waitForStop(Duration.ofDays(365));
        }
        System.exit(0);
    }
}
