package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JNI library of our own, loaded the Bundle-NativeCode way
 * (System.loadLibrary), isolated on process: every signature kind works, and
 * each misbehaviour (a forged handle, a handle of the wrong kind, an object
 * of the wrong class, FatalError, SIGSEGV) ends the domain with a
 * DomainFailedException, never the JVM; the next call is answered by the
 * restarted domain.
 */
class HostileJniTest {
    private static final String BUNDLE = "dev.cordon.bundles.hostilejni";
    private static CordonFramework osgi;
    private static Class<?> hostile;

    @BeforeAll
    static void start() throws Exception {
        osgi = Framework.start("jni-hostile", Map.of("dev.cordon.isolate",
                BUNDLE + ";backend=process;deadline=5s;threads=2;max-restarts=50"),
                List.of(Path.of(System.getProperty("cordon.hostile-jni", "target/hostile-jni"))));
        hostile = osgi.bundle(BUNDLE).loadClass("dev.cordon.bundles.hostilejni.HostileJni");
    }

    @AfterAll
    static void stop() throws Exception {
        osgi.close();
    }

    @Test
    void loadLibrary_ThroughBundleNativeCode_RunsInTheDomain_NotInTheJvm() throws Exception {
        assertEquals(42, call("echo", new Class<?>[] {int.class}, 41));
        assertFalse(Files.readString(Path.of("/proc/self/maps")).contains("libhostilejni"),
                "the library is not mapped into the JVM");
    }

    @Test
    void cordonDomains_ListsIt_AndCordonKill_EndsIt_TheNextCallRestartsIt() throws Exception {
        assertEquals(3, call("echo", new Class<?>[] {int.class}, 2));
        Domains domains = osgi.service(Domains.class, Duration.ofSeconds(10));
        DomainInfo info = domains.list().stream().filter(d -> d.bundle().equals(BUNDLE)).findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + domains.list()));
        assertEquals("jni:process", info.backend());
        assertEquals("ACTIVE", info.state());
        assertTrue(info.calls() > 0, info.toString());
        long restarts = info.restarts();
        assertTrue(domains.kill(info.bundleId()));
        assertEquals(6, call("echo", new Class<?>[] {int.class}, 5), "the next call restarts the domain");
        DomainInfo after = domains.list().stream().filter(d -> d.bundle().equals(BUNDLE)).findFirst().orElseThrow();
        assertEquals(restarts + 1, after.restarts(), after.toString());
    }

    @Test
    void jniOnLoad_RegistersANative_OnlyOnTheBundlesOwnClasses() throws Exception {
        assertEquals(42, call("twice", new Class<?>[] {int.class}, 21));
        assertEquals(System.identityHashCode(hostile), hostile.hashCode(), "Object.hashCode is the JDK's");
    }

    @Test
    void tenArgumentsOfEveryKind_AnArrayWrittenBack_AndAString() throws Exception {
        int[] arr = {1, 2, 3};
        double got = (double) call("mix", new Class<?>[] {byte.class, short.class, char.class, int.class, long.class,
            float.class, double.class, boolean.class, int[].class, String.class},
                (byte) -1, (short) 300, 'A', 70000, 1L << 40, 0.5f, 0.25, true, arr, "héllo");
        double expected = -1 + 300 + 'A' + 70000 + (double) (1L << 40) + 0.5f + 0.25 + 1000 + 6 + "héllo"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertEquals(expected, got, 0.0);
        assertArrayEquals(new int[] {2, 4, 6}, arr, "Release*ArrayElements(mode 0) wrote the array back");
    }

    @Test
    void aCallBackIntoJava_AndAStringMadeInTheDomain() throws Exception {
        assertEquals("cordon!", call("shout", new Class<?>[] {Object.class}, new StringBuilder("cordon")));
    }

    @Test
    void anExceptionThrownByTheLibrary_ReachesTheCaller_AndTheDomainLives() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> call("refuse", new Class<?>[] {String.class}, "no thanks"));
        assertEquals("no thanks", e.getMessage());
        assertEquals(8, call("echo", new Class<?>[] {int.class}, 7));
    }

    @Test
    void whatOnlyJniWouldAllow_TheJdksInternals_AreRefused() throws Exception {
        // the bundle's loader cannot even see it (NoClassDefFoundError); were it visible, its
        // getUnsafe is public in a package not exported (IllegalAccessError)
        LinkageError unsafe = assertThrows(LinkageError.class, () -> call("internalUnsafe", new Class<?>[0]));
        assertTrue(unsafe.getMessage().contains("jdk/internal/misc/Unsafe")
                || unsafe.getMessage().contains("jdk.internal.misc.Unsafe"), unsafe.toString());
        IllegalAccessError value = assertThrows(IllegalAccessError.class,
                () -> call("stringBytes", new Class<?>[] {String.class}, "secret"));
        assertTrue(value.getMessage().contains("java.lang.String.value"), value.getMessage());
        assertEquals(2, call("echo", new Class<?>[] {int.class}, 1), "the domain lives on");
    }

    @Test
    void aForgedHandle_EndsTheDomain_TheNextCallIsAnswered() throws Exception {
        assertEnds("forgedHandle", "forged", new Class<?>[0]);
    }

    @Test
    void aHandleOfTheWrongKind_EndsTheDomain() throws Exception {
        assertEnds("wrongKind", "is not an object reference", new Class<?>[0]);
    }

    @Test
    void anObjectOfTheWrongClass_EndsTheDomain() throws Exception {
        assertEnds("wrongType", "is not an array of that type", new Class<?>[] {String.class}, "not an int[]");
    }

    @Test
    void anObjectArrayOfAPrimitiveType_EndsTheDomain_NotTheJvm() throws Exception {
        assertEnds("primitiveObjectArray", "NewObjectArray of a primitive type", new Class<?>[0]);
    }

    @Test
    void aFinalFieldOfTheJdk_IsNotWritten_TheDomainEnds() throws Exception {
        assertEnds("falsifyTrue", "final field", new Class<?>[0]);
        assertTrue(Boolean.TRUE.booleanValue(), "Boolean.TRUE is still true");
    }

    @Test
    void fatalError_EndsTheDomain_NotTheJvm() throws Exception {
        assertEnds("fatal", "FatalError: hostile: giving up", new Class<?>[0]);
    }

    @Test
    void aSegfault_EndsTheDomain_NotTheJvm() throws Exception {
        assertEnds("segv", "SIGSEGV", new Class<?>[0]);
    }

    private static void assertEnds(String method, String why, Class<?>[] types, Object... args) throws Exception {
        DomainFailedException e = assertThrows(DomainFailedException.class, () -> call(method, types, args));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().startsWith(BUNDLE + ": domain ended"), e.getMessage());
        assertEquals(2, call("echo", new Class<?>[] {int.class}, 1), "the restarted domain answers");
    }

    private static Object call(String name, Class<?>[] types, Object... args) throws Exception {
        Method m = hostile.getMethod(name, types);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        }
    }
}
