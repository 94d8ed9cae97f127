package dev.cordon.itest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainFailedException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Attacks that only make sense when the domain shares the JVM's address
 * space (the mpk and uswitch backends): each is contained and the JVM lives
 * on. Runs in the PKU test VM; skipped on machines that cannot run mpk domains.
 */
@ExtendWith(NeedsMpk.class)
class MpkAttackTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long SECRET = 0x5ec12e7_5ec12e7L;
    private static final long EPERM = -1;

    private static CordonFramework osgi;
    private static Arena jvmMemory;
    private static MemorySegment secret;

    @BeforeAll
    static void start() throws Exception {
        if (!MpkMachine.present()) {
            return; // each test is skipped with the reason (NeedsMpk)
        }
        osgi = Framework.start("mpk-attacks");
        Path neighbour = BundleVariant.of(Framework.bundles().resolve("dev.cordon.bundles.hostile.jar"),
                "dev.cordon.itest.neighbour", Map.of(), "", bytes -> bytes);
        osgi.context().installBundle(neighbour.toUri().toString()).start();
        jvmMemory = Arena.ofShared();
        secret = jvmMemory.allocate(JAVA_LONG, 512);
        secret.set(JAVA_LONG, 0, SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        if (osgi != null) {
            osgi.close();
            jvmMemory.close();
        }
    }

    /** The hostile bundle's own service (the neighbour registers one too); live after restarts. */
    private static Hostile hostile() throws Exception {
        return serviceOf("dev.cordon.bundles.hostile");
    }

    private static Hostile neighbour() throws Exception {
        return serviceOf("dev.cordon.itest.neighbour");
    }

    private static Hostile serviceOf(String bundle) throws Exception {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            for (ServiceReference<Hostile> ref : osgi.context().getServiceReferences(Hostile.class, null)) {
                Bundle owner = ref.getBundle(); // null once unregistered (a restart under way)
                if (owner != null && owner.getSymbolicName().equals(bundle)) {
                    assertEquals(MpkMachine.backend(), ref.getProperty("cordon.backend"),
                            bundle + " runs on " + MpkMachine.backend());
                    Hostile h = osgi.context().getService(ref);
                    if (h == null) {
                        continue; // unregistered since the lookup: a restart under way
                    }
                    try {
                        h.echo(1);
                        return h;
                    } catch (DomainFailedException restarting) {
                        // the old incarnation; its successor registers shortly
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no live service of " + bundle);
    }

    private static void assertJvmIntact() throws Exception {
        assertEquals(SECRET, secret.get(JAVA_LONG, 0), "the JVM's memory is unchanged");
        Compressor zlib = osgi.service(Compressor.class, WAIT);
        byte[] out = new byte[200];
        assertTrue(zlib.deflate(new byte[100], out, 6) > 0, "zlib still works");
    }

    @Test
    void readingJvmMemory_FaultsWithAKeyError() throws Exception {
        Hostile h = hostile();
        DomainFailedException e = assertThrows(DomainFailedException.class, () -> h.peek(secret.address()));
        assertTrue(e.getMessage().contains("SIGSEGV"), e.getMessage());
        assertJvmIntact();
    }

    @Test
    void writingJvmMemory_FaultsAndChangesNothing() throws Exception {
        Hostile h = hostile();
        assertThrows(DomainFailedException.class, () -> h.poke(secret.address(), 0xbad));
        assertJvmIntact();
    }

    @Test
    void anotherDomainsMemory_CannotBeReadOrWritten() throws Exception {
        Hostile n = neighbour();
        long address = n.ownBuffer(4242);
        Hostile h = hostile();
        assertThrows(DomainFailedException.class, () -> h.peek(address));
        assertThrows(DomainFailedException.class, () -> hostile().poke(address, 1));
        assertEquals(4242, neighbour().readOwnBuffer(), "the neighbour's memory is unchanged");
    }

    @ParameterizedTest(name = "remapping the JVM's memory (call {0}) is refused")
    @ValueSource(longs = {0, 1, 2, 3})
    void remappingJvmMemory_IsRefused(long which) throws Exception {
        assertEquals(EPERM, hostile().remapHost(which, secret.address()));
        assertJvmIntact();
    }

    @Test
    void procSelfMem_CannotBeOpened() throws Exception {
        long fd = hostile().openProcSelfMem();
        assertTrue(fd < 0, "open(/proc/self/mem) gave fd " + fd);
    }

    @Test
    void processVmWritev_IsRefused() throws Exception {
        assertEquals(EPERM, hostile().processVmWrite(secret.address(), 0xbad));
        assertJvmIntact();
    }

    /** native/gate/gate.h: the kernel context it wants, the SUD selector, the side. */
    @ParameterizedTest
    @ValueSource(longs = {0, 64, 66})
    void writingTheSwitchPage_Faults(long offset) throws Exception {
        Hostile h = hostile();
        assertThrows(DomainFailedException.class, () -> h.writeGs(offset, 0));
        assertEquals(5, hostile().echo(5), "a fresh domain serves");
        assertJvmIntact();
    }
}
