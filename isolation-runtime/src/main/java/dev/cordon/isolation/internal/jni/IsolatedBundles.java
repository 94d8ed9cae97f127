package dev.cordon.isolation.internal.jni;

import dev.cordon.isolation.internal.policy.HeaderClause;
import dev.cordon.isolation.internal.policy.HeaderParser;
import dev.cordon.isolation.internal.policy.InvalidManifestException;
import dev.cordon.isolation.internal.policy.Policy;
import dev.cordon.isolation.internal.policy.PolicyParser;
import dev.cordon.isolation.jni.NativeLoads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bundles named by the framework property {@code dev.cordon.isolate}, in the
 * syntax of {@code Cordon-Domain} with a bundle's symbolic name in place of the
 * image: {@code com.github.luben.zstd-jni;backend=process;memory=256m,lz4-java}.
 * A bundle whose clause cannot be read is still isolated (its loads refused),
 * never left to run unisolated; {@link #errors()} says why.
 *
 * @param policies the well-formed clauses, by symbolic name
 * @param unreadable the names whose clause could not be read
 * @param errors one message per problem, naming the property
 */
public record IsolatedBundles(Map<String, Policy> policies, Set<String> unreadable, List<String> errors) {
    public static final String PROPERTY = NativeLoads.PROPERTY;

    public static IsolatedBundles none() {
        return new IsolatedBundles(Map.of(), Set.of(), List.of());
    }

    public static IsolatedBundles parse(String value) {
        if (value == null || value.isBlank()) {
            return none();
        }
        List<HeaderClause> clauses;
        try {
            clauses = HeaderParser.parse(PROPERTY, value);
        } catch (InvalidManifestException e) {
            return new IsolatedBundles(Map.of(), namesIn(value), List.of(e.getMessage()));
        }
        Map<String, Policy> policies = new LinkedHashMap<>();
        Set<String> unreadable = new LinkedHashSet<>();
        List<String> errors = new ArrayList<>();
        for (HeaderClause clause : clauses) {
            String name = clause.path();
            try {
                if (policies.containsKey(name) || unreadable.contains(name)) {
                    throw new InvalidManifestException("named twice");
                }
                policies.put(name, PolicyParser.parse(clause));
            } catch (InvalidManifestException e) {
                policies.remove(name);
                unreadable.add(name);
                errors.add(PROPERTY + ": bundle " + name + ": " + e.getMessage());
            }
        }
        return new IsolatedBundles(Map.copyOf(policies), Set.copyOf(unreadable), List.copyOf(errors));
    }

    public boolean isolates(String symbolicName) {
        return policies.containsKey(symbolicName) || unreadable.contains(symbolicName);
    }

    /** Best effort when the syntax itself is broken: the text before each clause's first ';'. */
    private static Set<String> namesIn(String value) {
        Set<String> names = new LinkedHashSet<>();
        for (String clause : value.split(",")) {
            String name = clause.split(";", 2)[0].replace("\"", "").trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return Set.copyOf(names);
    }
}
