package dev.cordon.isolation.internal.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syscall groups a policy may grant, read from the native table that defines them
 * ({@code native/include/cordon/syscall_groups.def}, packed next to this class by the build):
 * the same names and bits cordon-host, vsys and the kernel context's filter use.
 */
public final class SyscallGroups {

    static final String RESOURCE = "syscall_groups.def";
    private static final Pattern ENTRY =
            Pattern.compile("^CORDON_GROUP\\((\\w+),\\s*(\\d+),\\s*\"([a-z]+)\",.*\\)\\s*$");

    /** Name to bit (CORDON_SYS_*), in the table's order. */
    private static final Map<String, Integer> BITS = load();

    /** What {@code syscalls=} may name, in the table's order. */
    public static final List<String> NAMES = List.copyOf(BITS.keySet());

    private SyscallGroups() {
    }

    /** The CORDON_SYS_* bits of the named groups; an unknown name is an error. */
    public static int bits(Collection<String> groups) {
        int bits = 0;
        for (String g : groups) {
            Integer bit = BITS.get(g);
            if (bit == null) {
                throw new IllegalArgumentException("unknown syscall group '" + g + "' (known: " + NAMES + ")");
            }
            bits |= bit;
        }
        return bits;
    }

    private static Map<String, Integer> load() {
        try (InputStream in = SyscallGroups.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing next to " + SyscallGroups.class.getName()
                        + ": the build packs it from native/include/cordon");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CORDON_GROUP lines of the table; every other line is a comment or blank. */
    static Map<String, Integer> parse(List<String> lines) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("CORDON_GROUP")) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (!m.matches() || Integer.parseInt(m.group(2)) > 30) {
                bad.add(line);
                continue;
            }
            if (bits.put(m.group(3), 1 << Integer.parseInt(m.group(2))) != null) {
                bad.add(line);
            }
        }
        if (!bad.isEmpty() || bits.isEmpty()) {
            throw new IllegalStateException(RESOURCE + ": not one CORDON_GROUP(ID, BIT, \"name\", \"what\") a line: "
                    + (bad.isEmpty() ? "no groups" : bad));
        }
        return Collections.unmodifiableMap(bits);
    }
}
