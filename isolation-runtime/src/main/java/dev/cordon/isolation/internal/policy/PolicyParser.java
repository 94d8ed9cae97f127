package dev.cordon.isolation.internal.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code Cordon-Domain} header:
 * <pre>
 * Cordon-Domain: native/zlib.so;backend=process;memory=64m;arena=1m;deadline=5s;
 *  threads=8;restart=always;max-restarts=5;files=none;syscalls="io,time"
 * </pre>
 * Unknown keys are errors: a typo must never silently weaken a policy.
 */
public final class PolicyParser {
    public static final String HEADER = "Cordon-Domain";

    private static final Set<String> KEYS = Set.of(
            "backend", "memory", "arena", "deadline", "threads", "restart", "max-restarts", "files",
            "syscalls");
    private static final long MIN_MEMORY = 1L << 20;
    private static final long MAX_MEMORY = 1L << 40;
    private static final long MIN_ARENA = 4096;
    private static final long MAX_ARENA = 1L << 30;

    private PolicyParser() {
    }

    public static Policy parse(String header) throws InvalidManifestException {
        List<HeaderClause> clauses = HeaderParser.parse(HEADER, header);
        if (clauses.size() != 1) {
            throw new InvalidManifestException(HEADER + ": exactly one domain per bundle, found " + clauses.size());
        }
        return parse(clauses.get(0));
    }

    /**
     * One clause's policy; its path is the image. The framework property
     * dev.cordon.isolate reuses this with a bundle's symbolic name as the path.
     */
    public static Policy parse(HeaderClause clause) throws InvalidManifestException {
        if (!clause.directives().isEmpty()) {
            throw new InvalidManifestException(HEADER + ": unknown directive '"
                    + clause.directives().keySet().iterator().next() + "'");
        }
        Map<String, String> a = clause.attributes();
        for (String key : a.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidManifestException(HEADER + ": unknown key '" + key + "' (known: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String image = clause.path();
        if (image.startsWith("/") || image.contains("..")) {
            throw new InvalidManifestException(HEADER + ": image path '" + image + "' must be relative to the bundle root");
        }
        long memory = a.containsKey("memory") ? Quantities.size("memory", a.get("memory")) : 64L << 20;
        long arena = a.containsKey("arena") ? Quantities.size("arena", a.get("arena")) : 1L << 20;
        Duration deadline = a.containsKey("deadline") ? Quantities.duration("deadline", a.get("deadline"))
                : Duration.ofSeconds(5);
        checkRange("memory", memory, MIN_MEMORY, MAX_MEMORY);
        checkRange("arena", arena, MIN_ARENA, MAX_ARENA);
        if (deadline.isZero()) {
            throw new InvalidManifestException(HEADER + ": deadline must be longer than zero");
        }
        return new Policy(image,
                BackendChoice.parse(a.getOrDefault("backend", "auto")),
                memory, arena, deadline,
                a.containsKey("threads") ? Quantities.integer("threads", a.get("threads"), 1, Policy.MAX_THREADS) : 1,
                restart(a.getOrDefault("restart", "always")),
                a.containsKey("max-restarts") ? Quantities.integer("max-restarts", a.get("max-restarts"), 0, 1000) : 5,
                files(a.getOrDefault("files", "none")),
                a.containsKey("syscalls") ? syscalls(a.get("syscalls")) : Set.copyOf(Policy.SYSCALL_GROUPS));
    }

    /** A comma-separated list of groups; "none" grants none (a domain that only computes). */
    private static Set<String> syscalls(String value) throws InvalidManifestException {
        if (value.trim().equals("none")) {
            return Set.of();
        }
        java.util.TreeSet<String> groups = new java.util.TreeSet<>();
        for (String group : value.split(",", -1)) {
            String g = group.trim();
            if (!Policy.SYSCALL_GROUPS.contains(g)) {
                throw new InvalidManifestException(HEADER + ": syscalls: unknown group '" + g + "' (known: "
                        + String.join(", ", Policy.SYSCALL_GROUPS) + ", or none)");
            }
            groups.add(g);
        }
        return Set.copyOf(groups);
    }

    private static void checkRange(String key, long value, long min, long max) throws InvalidManifestException {
        if (value < min || value > max) {
            throw new InvalidManifestException(HEADER + ": " + key + " must be between " + min + " and " + max
                    + " bytes, not " + value);
        }
    }

    private static RestartPolicy restart(String value) throws InvalidManifestException {
        return switch (value) {
            case "always" -> RestartPolicy.ALWAYS;
            case "never" -> RestartPolicy.NEVER;
            default -> throw new InvalidManifestException(HEADER + ": restart=" + value + " is not always or never");
        };
    }

    private static boolean files(String value) throws InvalidManifestException {
        return switch (value) {
            case "data" -> true;
            case "none" -> false;
            default -> throw new InvalidManifestException(HEADER + ": files=" + value
                    + " is not 'data' (the bundle's data directory) or 'none'");
        };
    }
}
