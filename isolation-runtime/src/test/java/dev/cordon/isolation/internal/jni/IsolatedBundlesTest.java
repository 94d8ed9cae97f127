package dev.cordon.isolation.internal.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.internal.policy.BackendChoice;
import dev.cordon.isolation.internal.policy.Policy;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IsolatedBundlesTest {
    @Test
    void unset_IsolatesNothing() {
        assertEquals(IsolatedBundles.none(), IsolatedBundles.parse(null));
        assertEquals(IsolatedBundles.none(), IsolatedBundles.parse("  "));
    }

    @Test
    void severalBundles_EachWithItsPolicy() {
        IsolatedBundles b = IsolatedBundles.parse(
                "com.github.luben.zstd-jni;backend=process;memory=256m;deadline=10s, lz4-java;backend=process");
        assertEquals(Set.of("com.github.luben.zstd-jni", "lz4-java"), b.policies().keySet());
        assertTrue(b.errors().isEmpty() && b.unreadable().isEmpty(), b.toString());
        Policy zstd = b.policies().get("com.github.luben.zstd-jni");
        assertEquals(BackendChoice.PROCESS, zstd.backend());
        assertEquals(256L << 20, zstd.memoryBytes());
        assertEquals(Duration.ofSeconds(10), zstd.deadline());
        assertEquals(64L << 20, b.policies().get("lz4-java").memoryBytes(), "Cordon-Domain's default");
        assertTrue(b.isolates("lz4-java") && !b.isolates("org.example.other"));
    }

    @Test
    void aBadKey_NamesPropertyAndBundle_AndTheBundleIsStillIsolated() {
        IsolatedBundles b = IsolatedBundles.parse("lz4-java;memroy=1m,com.github.luben.zstd-jni");
        assertEquals(Set.of("lz4-java"), b.unreadable());
        assertEquals(Set.of("com.github.luben.zstd-jni"), b.policies().keySet());
        String error = b.errors().get(0);
        assertTrue(error.startsWith("dev.cordon.isolate: bundle lz4-java: ") && error.contains("unknown key 'memroy'"),
                error);
        assertTrue(b.isolates("lz4-java"), "refused, not left unisolated");
    }

    @Test
    void aBadValue_AndANameGivenTwice_AreErrors() {
        IsolatedBundles b = IsolatedBundles.parse("a;backend=warp,b,b;memory=2m");
        assertEquals(Set.of("a", "b"), b.unreadable());
        assertTrue(b.policies().isEmpty(), b.toString());
        assertEquals(2, b.errors().size(), b.errors().toString());
        assertTrue(b.errors().get(1).contains("bundle b: named twice"), b.errors().toString());
    }

    @Test
    void brokenSyntax_OneErrorNamingTheProperty_AndEveryNameSeenIsRefused() {
        IsolatedBundles b = IsolatedBundles.parse("lz4-java;backend=process;memory, com.github.luben.zstd-jni");
        assertEquals(1, b.errors().size());
        assertTrue(b.errors().get(0).startsWith("dev.cordon.isolate: ") && b.errors().get(0).contains("no value"),
                b.errors().get(0));
        assertEquals(Set.of("lz4-java", "com.github.luben.zstd-jni"), b.unreadable());
        assertTrue(b.isolates("lz4-java") && b.isolates("com.github.luben.zstd-jni"));
        assertFalse(b.isolates("other"));
    }
}
