package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainFailedException;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.DomainTimeoutException;
import dev.cordon.isolation.Domains;
import dev.cordon.isolation.InvalidDomainResultException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every misbehaviour of the hostile bundle is contained on the process
 * backend, while eight threads keep calling the zlib domain next door.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileContainmentTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ZLIB_THREADS = 8;

    private static CordonFramework osgi;
    private static Domains domains;
    private static final AtomicBoolean loadRunning = new AtomicBoolean(true);
    private static final AtomicLong zlibCalls = new AtomicLong();
    private static final ConcurrentLinkedQueue<Throwable> zlibErrors = new ConcurrentLinkedQueue<>();
    private static final List<Thread> load = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        osgi = Framework.start("hostile");
        domains = osgi.service(Domains.class, WAIT);
        Compressor zlib = osgi.service(Compressor.class, WAIT);
        for (int t = 0; t < ZLIB_THREADS; t++) {
            load.add(Thread.ofPlatform().name("zlib-load-" + t).start(() -> zlibLoad(zlib)));
        }
    }

    /** Round trips through zlib until the suite ends; any failure is kept for the last test. */
    private static void zlibLoad(Compressor zlib) {
        byte[] input = ZlibSuite.sample("text", 20_000);
        byte[] packed = new byte[30_000];
        byte[] out = new byte[input.length];
        while (loadRunning.get()) {
            try {
                int n = zlib.deflate(input, packed, 6);
                assertEquals(input.length, zlib.inflate(Arrays.copyOf(packed, n), out));
                assertArrayEquals(input, out);
                zlibCalls.addAndGet(2);
            } catch (Throwable e) {
                zlibErrors.add(e);
                return;
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        loadRunning.set(false);
        for (Thread t : load) {
            t.join(10_000);
        }
        osgi.close();
    }

    /** The current hostile service; after a fault its domain restarts and registers a new one. */
    private static Hostile hostile() throws InterruptedException {
        return osgi.liveService(Hostile.class, h -> h.echo(1), WAIT);
    }

    private static DomainInfo hostileDomain() {
        return domains.list().stream().filter(d -> d.bundle().equals("dev.cordon.bundles.hostile"))
                .findFirst().orElseThrow();
    }

    static Stream<Arguments> crashes() {
        return Stream.of(
                Arguments.of("null read", (ToLongFunction<Hostile>) Hostile::nullRead, "SIGSEGV"),
                Arguments.of("wild write", (ToLongFunction<Hostile>) Hostile::wildWrite, "SIGSEGV"),
                Arguments.of("stack overflow", (ToLongFunction<Hostile>) Hostile::stackOverflow, "SIGSEGV"),
                Arguments.of("abort()", (ToLongFunction<Hostile>) Hostile::abort, "SIGABRT"),
                Arguments.of("divide by zero", (ToLongFunction<Hostile>) h -> h.divideByZero(0), "SIGFPE"),
                Arguments.of("illegal instruction", (ToLongFunction<Hostile>) Hostile::illegalInstruction, "SIGILL"));
    }

    @ParameterizedTest(name = "{0} ends the hostile domain only, which restarts")
    @MethodSource("crashes")
    void nativeFault_IsContained_AndDomainRestarts(String name, ToLongFunction<Hostile> entry, String signal)
            throws Exception {
        Hostile h = hostile();
        long restartsBefore = hostileDomain().restarts();
        DomainFailedException e = assertThrows(DomainFailedException.class, () -> entry.applyAsLong(h));
        assertTrue(e.getMessage().contains(signal), "message names " + signal + ": " + e.getMessage());
        assertThrows(DomainFailedException.class, () -> h.echo(1), "the old proxy stays dead");
        assertEquals(7, hostile().echo(7), "a fresh domain serves after the restart");
        assertTrue(hostileDomain().restarts() > restartsBefore);
    }

    @Test
    void infiniteLoop_EndsWithTimeout_AtTheDeadline() throws Exception {
        Hostile h = hostile();
        long start = System.nanoTime();
        assertThrows(DomainTimeoutException.class, h::infiniteLoop);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 1_900 && millis < 10_000, "ended after " + millis + " ms, deadline 2 s");
        assertEquals(3, hostile().echo(3));
    }

    @Test
    void hugeAllocation_IsRefused() throws Exception {
        assertEquals(0, hostile().hugeAlloc(), "both a 16 GiB malloc and mmap must fail in the domain");
    }

    @Test
    void openingEtcPasswd_IsDenied() throws Exception {
        long r = hostile().openPasswd(new byte[4096]);
        assertTrue(r < 0, "open(/etc/passwd) must fail, read " + r + " bytes");
    }

    @Test
    void forkAndExec_AreDenied() throws Exception {
        assertEquals(-1, hostile().forkExec(), "fork must fail with EPERM");
    }

    @Test
    void writesToStdoutAndHighFd_FailForLackOfFds() throws Exception {
        Hostile h = hostile();
        assertTrue(h.writeStdout() < 0, "the domain has no fd 1");
        assertEquals(-9, h.writeHighFd(), "EBADF");
    }

    @Test
    void theJvmsOwnFds_AreNotTheDomains() throws Exception {
        Path file = Files.createTempFile("cordon-jvm-fd", ".txt");
        try (FileChannel open = FileChannel.open(file, StandardOpenOption.WRITE)) {
            int fd = fdOf(file.toRealPath());
            assertTrue(fd > 2, "the JVM has the file open");
            long r = hostile().writeFd(fd);
            assertTrue(r < 0, "fd " + fd + " is the JVM's, not the domain's: got " + r);
            assertEquals(0, Files.size(file), "nothing was written to the JVM's file");
        } finally {
            Files.delete(file);
        }
    }

    /** The number of an fd of this JVM open on file, from /proc/self/fd. */
    private static int fdOf(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file)) {
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own fd, or one another thread closed
                }
            }
        }
        return -1;
    }

    @Test
    void killingTheJvm_IsDenied() throws Exception {
        assertEquals(-1, hostile().killParent(), "kill(getppid()) must fail with EPERM");
        assertTrue(ProcessHandle.current().isAlive());
    }

    @Test
    void lengthLargerThanItsBuffer_IsRejectedByTheGate() throws Exception {
        Hostile h = hostile();
        assertThrows(InvalidDomainResultException.class, () -> h.badLength(new byte[100]));
        assertEquals(5, h.echo(5), "a bad result is refused, the domain goes on");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void zlibKeptServingEightThreads_ThroughEveryFault() {
        // ordered last: the load has run through every fault above
        assertTrue(zlibErrors.isEmpty(), () -> "zlib failed: " + zlibErrors.peek());
        // on a starved machine the load threads may not have run yet: wait
        // for one answer (liveness, not speed: a minute is no bound on it)
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (zlibCalls.get() == 0 && zlibErrors.isEmpty() && System.nanoTime() < until) {
            LockSupport.parkNanos(10_000_000);
        }
        assertTrue(zlibErrors.isEmpty(), () -> "zlib failed: " + zlibErrors.peek());
        assertTrue(zlibCalls.get() > 0, "eight load threads made no zlib call in a minute");
        DomainInfo zlib = domains.list().stream().filter(d -> d.bundle().equals("dev.cordon.bundles.zlib"))
                .findFirst().orElseThrow();
        assertEquals(0, zlib.faults());
        assertEquals("ACTIVE", zlib.state());
    }
}
