package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
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
    void releaseModes_AreHonoured_OnAnArraySentWithTheCall() throws Exception {
        byte[] a = new byte[100];
        fill(a, 5, JNI_ABORT);
        assertAll(a, 0, "JNI_ABORT: nothing written back");
        fill(a, 6, JNI_COMMIT);
        assertAll(a, 6, "JNI_COMMIT: written back");
        fill(a, 7, 0);
        assertAll(a, 7, "mode 0: written back");
    }

    @Test
    void anArrayLargerThanTheLane_IsNotSentWithTheCall_AndStillComesBackWhole() throws Exception {
        byte[] big = new byte[(3 << 20) + 5]; // the lane's arena is 1 MiB
        fill(big, 9, 0);
        assertAll(big, 9, "mode 0, in pieces");
        fill(big, 3, JNI_ABORT);
        assertAll(big, 9, "JNI_ABORT");
    }

    @Test
    void theSameArrayTwice_TheSecondCopySeesTheFirstsRelease() throws Exception {
        int[] a = {1};
        assertEquals(101, call("addThenRead", new Class<?>[] {int[].class, int[].class}, a, a));
        assertEquals(101, a[0]);
        // the second argument (not sent: the same object) is written first, then the first is read
        assertEquals(201, call("addThenReadOther", new Class<?>[] {int[].class, int[].class}, a, a));
        assertEquals(201, a[0]);
    }

    @Test
    void aDirectBuffer_OnlyItsRangeIsWritten_ItsPositionAndLimitStay_NothingPastItsCapacity() throws Exception {
        ByteBuffer whole = ByteBuffer.allocateDirect(200);
        for (int i = 0; i < 200; i++) {
            whole.put(i, (byte) 1);
        }
        ByteBuffer b = whole.slice(50, 100); // capacity 100, at 50 of whole
        b.position(10).limit(60);
        assertEquals(100L, fillBuffer(b, b.position(), b.limit(), 4));
        assertEquals(10, b.position());
        assertEquals(60, b.limit());
        for (int i = 0; i < 200; i++) {
            assertEquals(i >= 60 && i < 110 ? 4 : 1, whole.get(i), "byte " + i);
        }
        assertEquals(100L, fillBuffer(b, 0, 100, 5), "all its capacity");
        for (int i = 0; i < 200; i++) {
            assertEquals(i >= 50 && i < 150 ? 5 : 1, whole.get(i), "byte " + i + ": never past the slice");
        }
    }

    @Test
    void aDirectBufferLargerThanTheLane_AndAHeapBuffer() throws Exception {
        ByteBuffer big = ByteBuffer.allocateDirect(3 << 20);
        assertEquals((long) big.capacity(), fillBuffer(big, 1 << 20, (2 << 20) + 3, 8));
        for (int i = 0; i < big.capacity(); i++) {
            if (big.get(i) != (i >= 1 << 20 && i < (2 << 20) + 3 ? 8 : 0)) {
                fail("byte " + i + " is " + big.get(i));
            }
        }
        assertEquals(-1L, fillBuffer(ByteBuffer.allocate(10), 0, 0, 1), "a heap buffer has no address");
    }

    @Test
    void aCallbackThatRunsNoJavaCode() throws Exception {
        assertTrue((int) call("jniVersion", new Class<?>[0]) >= 0x00010008);
    }

    private static final int JNI_COMMIT = 1;
    private static final int JNI_ABORT = 2;

    private static void fill(byte[] a, int v, int mode) throws Exception {
        call("fill", new Class<?>[] {byte[].class, byte.class, int.class}, a, (byte) v, mode);
    }

    private static long fillBuffer(ByteBuffer b, int from, int to, int v) throws Exception {
        return (long) call("fillBuffer", new Class<?>[] {ByteBuffer.class, int.class, int.class, byte.class}, b, from,
                to, (byte) v);
    }

    private static void assertAll(byte[] a, int v, String what) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != (byte) v) {
                fail(what + ": byte " + i + " is " + a[i] + ", not " + v);
            }
        }
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
