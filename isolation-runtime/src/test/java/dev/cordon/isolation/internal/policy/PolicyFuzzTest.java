package dev.cordon.isolation.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.cordon.isolation.internal.jni.IsolatedBundles;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of every parser a bundle's manifest or an
 * administrator's property feeds. In a plain test run each method replays the
 * committed corpus under {@code PolicyFuzzTestInputs/<method>/} (test
 * resources); {@code ./cordon fuzz} mutates from it (JAZZER_FUZZ=1), and a
 * finding is written there as a new regression input.
 *
 * <p>The properties: a header gives a policy or an InvalidManifestException
 * with a message, never anything else; a policy printed and read again is the
 * same policy; and no key means less than it says (each key's value in the
 * whole clause is what that key alone gives).
 */
class PolicyFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void cordonDomain(@NotNull String text) {
        Policy policy;
        try {
            policy = PolicyParser.parse(text);
        } catch (InvalidManifestException e) {
            assertHasMessage(e);
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("Cordon-Domain: \"" + text + "\" threw " + e, e);
        }
        assertEquals(policy, reparse(policy.toHeader()),
                () -> "\"" + escaped(text) + "\" printed as \"" + escaped(policy.toHeader()) + "\"");
        eachKeyMeansWhatItSays(text, policy);
    }

    @FuzzTest(maxDuration = "60s")
    void cordonService(@NotNull String text) {
        try {
            assertFalse(ServiceParser.parse(text).isEmpty(), "a header that parses declares a service");
        } catch (InvalidManifestException e) {
            assertHasMessage(e);
        } catch (RuntimeException e) {
            throw new AssertionError("Cordon-Service: \"" + text + "\" threw " + e, e);
        }
    }

    /** dev.cordon.isolate fails closed: every bundle it names is isolated, readable or not. */
    @FuzzTest(maxDuration = "60s")
    void isolateProperty(@NotNull String text) {
        IsolatedBundles isolated;
        try {
            isolated = IsolatedBundles.parse(text);
        } catch (RuntimeException e) {
            throw new AssertionError(IsolatedBundles.PROPERTY + "=\"" + text + "\" threw " + e, e);
        }
        if (text.isBlank()) {
            assertTrue(isolated.policies().isEmpty() && isolated.errors().isEmpty(), "blank names nothing");
            return;
        }
        List<HeaderClause> clauses;
        try {
            clauses = HeaderParser.parse(IsolatedBundles.PROPERTY, text);
        } catch (InvalidManifestException e) {
            assertFalse(isolated.errors().isEmpty(), "a syntax error is reported");
            return;
        }
        for (HeaderClause clause : clauses) {
            assertTrue(isolated.isolates(clause.path()), () -> "bundle " + clause.path() + " named but not isolated");
        }
        for (Map.Entry<String, Policy> e : isolated.policies().entrySet()) {
            assertEquals(e.getValue(), reparse(e.getValue().toHeader()), () -> "printed as " + e.getValue().toHeader());
        }
        for (String name : isolated.unreadable()) {
            assertTrue(isolated.errors().stream().anyMatch(e -> e.contains("bundle " + name + ": ")),
                    () -> "unreadable bundle " + name + " has no reason in " + isolated.errors());
        }
    }

    private static void eachKeyMeansWhatItSays(String text, Policy whole) {
        HeaderClause clause;
        Policy defaults;
        try {
            clause = HeaderParser.parse(PolicyParser.HEADER, text).get(0);
            defaults = PolicyParser.parse(new HeaderClause(clause.path(), Map.of(), Map.of()));
        } catch (InvalidManifestException e) {
            throw new AssertionError("\"" + text + "\" parsed as a whole but not in parts: " + e.getMessage(), e);
        }
        for (Map.Entry<String, String> key : clause.attributes().entrySet()) {
            Policy alone;
            try {
                alone = PolicyParser.parse(new HeaderClause(clause.path(), Map.of(key.getKey(), key.getValue()), Map.of()));
            } catch (InvalidManifestException e) {
                throw new AssertionError(key + " refused alone but accepted in \"" + text + "\": " + e.getMessage(), e);
            }
            assertEquals(field(alone, key.getKey()), field(whole, key.getKey()), () -> key + " in \"" + text + "\"");
        }
        for (String key : List.of("backend", "memory", "arena", "deadline", "threads", "restart", "max-restarts",
                "files", "syscalls")) {
            if (!clause.attributes().containsKey(key)) {
                assertEquals(field(defaults, key), field(whole, key), () -> key + " unset in \"" + text + "\"");
            }
        }
    }

    private static Object field(Policy p, String key) {
        return switch (key) {
            case "backend" -> p.backend();
            case "memory" -> p.memoryBytes();
            case "arena" -> p.arenaBytes();
            case "deadline" -> p.deadline();
            case "threads" -> p.threads();
            case "restart" -> p.restart();
            case "max-restarts" -> p.maxRestarts();
            case "files" -> p.files();
            case "syscalls" -> p.syscalls();
            default -> throw new IllegalArgumentException(key);
        };
    }

    private static Policy reparse(String header) {
        try {
            return PolicyParser.parse(header);
        } catch (InvalidManifestException e) {
            return fail("the printed policy \"" + header + "\" does not parse: " + e.getMessage());
        }
    }

    /** The text with everything outside printable ASCII as \\uXXXX: findings stay readable. */
    private static String escaped(String text) {
        StringBuilder b = new StringBuilder();
        text.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        return b.toString();
    }

    private static void assertHasMessage(InvalidManifestException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "refused without a reason");
    }
}
