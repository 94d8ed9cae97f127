package dev.cordon.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** Whether this machine's CPU has what the mpk and uswitch backends need, as /proc/cpuinfo says. */
final class MpkMachine {
    private static final List<String> NEEDED = List.of("pku", "ospke", "fsgsbase");

    private MpkMachine() {
    }

    static boolean present() {
        return lacking().isEmpty();
    }

    /**
     * The in-process backend that auto picks in this run: mpk, or uswitch on the
     * patched kernel when run-in-vm says so ({@code -Dcordon.vm.backend=uswitch}).
     */
    static String backend() {
        return System.getProperty("cordon.vm.backend", "mpk");
    }

    static String lacking() {
        String flags;
        try {
            flags = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return "no /proc/cpuinfo";
        }
        StringBuilder missing = new StringBuilder();
        for (String flag : NEEDED) {
            if (!Pattern.compile("^flags\\s*:.*\\b" + flag + "\\b", Pattern.MULTILINE).matcher(flags).find()) {
                missing.append(missing.isEmpty() ? "" : ", ").append(flag);
            }
        }
        return missing.toString();
    }
}
