package dev.cordon.isolation.internal.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** What the CPU offers, as Linux reports it in /proc/cpuinfo. */
final class CpuFeatures {
    private static final Pattern PKU = Pattern.compile("^flags\\s*:.*\\bpku\\b", Pattern.MULTILINE);

    private CpuFeatures() {
    }

    static boolean hasPku() {
        try {
            return PKU.matcher(Files.readString(Path.of("/proc/cpuinfo"))).find();
        } catch (IOException e) {
            return false;
        }
    }
}
