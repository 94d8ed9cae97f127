package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./cordon shell} driven through its standard input like a user at the
 * Gogo prompt: list the domains, kill one, see the fault and the restart,
 * restart it by hand, get a clear error for an id that is not one, read a
 * command's help, and leave no storage directory behind.
 */
class ShellSessionTest {
    private static final String HOSTILE = "dev.cordon.bundles.hostile";

    @Test
    void aScriptedSession_ListsKillsAndRestartsDomains_AndExplainsABadArgument() throws Exception {
        Set<Path> before = shellStorage();
        try (Launcher shell = Launcher.start("dev.cordon.demo.Shell", Framework.bundles().toString(),
                Launcher.demoTarget("shell-bundles").toString())) {
            shell.awaitLine(l -> l.startsWith("Cordon shell: try cordon:domains") && l.contains("cordon:restart <id>"),
                    "with the banner");

            shell.send("cordon:domains");
            shell.awaitLine(l -> l.contains("ID   BUNDLE "), "with the table's header");
            String row = withoutPrompt(shell.awaitLine(l -> l.contains(" " + HOSTILE + " "), "for " + HOSTILE));
            DemoSmokeTest.assertRow(row, HOSTILE, "process", "ACTIVE", "0", "0");
            String id = row.trim().split("\\s+")[0];
            shell.awaitLine(l -> l.contains(" dev.cordon.bundles.zlib "), "for zlib");

            shell.send("cordon:kill " + id);
            shell.awaitLine(l -> l.contains("killed " + id), "confirming the kill");
            shell.awaitLine(l -> l.contains("Cordon: domain " + HOSTILE + " restarted (1 restarts)"),
                    "logging the restart after the kill");
            shell.send("cordon:stats");
            assertEquals("2 domains, 0 calls, 0 faults, 1 restarts, 352 MiB reserved",
                    withoutPrompt(shell.awaitLine(l -> l.contains(" domains, "), "with the totals")));

            shell.send("cordon:restart " + id);
            shell.awaitLine(l -> l.contains("restarted " + id), "confirming the restart");
            shell.send("cordon:domains");
            DemoSmokeTest.assertRow(withoutPrompt(shell.awaitLine(l -> l.contains(" " + HOSTILE + " "),
                    "for " + HOSTILE + " after both")), HOSTILE, "process", "ACTIVE", "0", "2");

            shell.send("cordon:kill nosuch");
            shell.awaitLine(l -> l.contains("cordon:kill: 'nosuch' is not a bundle id; cordon:domains lists the ids"),
                    "explaining the bad argument");
            shell.send("cordon:restart 999");
            shell.awaitLine(l -> l.contains("no domain for bundle 999"), "saying there is no such domain");

            shell.send("help cordon:kill");
            shell.awaitLine(l -> l.contains("not counted as a fault"), "describing the command");
            shell.awaitLine(l -> l.contains("the bundle's id, as cordon:domains lists it"), "describing its parameter");

            shell.send("stop 0");
            assertEquals(0, shell.exitStatus(), "the shell's exit status after stop 0");
        }
        assertEquals(before, shellStorage(), "the shell removed its storage directory");
    }

    private static Set<Path> shellStorage() throws IOException {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(p -> p.getFileName().toString().startsWith("cordon-shell")).collect(Collectors.toSet());
        }
    }

    /** Gogo prints its prompt with no newline, so a result can follow it on the same line. */
    private static String withoutPrompt(String line) {
        return line.replaceAll("^(g! )+", "");
    }
}
