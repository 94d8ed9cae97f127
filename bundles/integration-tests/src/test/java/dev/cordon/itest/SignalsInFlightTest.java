package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.CordonFramework;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JVM's own signals while threads are inside domains: `jcmd <pid>
 * Thread.print` (SIGQUIT starts the attach listener, then a safepoint)
 * answers while zlib computes and the hostile domain sleeps in a system
 * call, and none of those calls notices. On mpk (the PKU VM) the signal can
 * land on a thread that is running domain code.
 */
class SignalsInFlightTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static CordonFramework osgi;

    @BeforeAll
    static void start() throws Exception {
        osgi = Framework.start("signals");
    }

    @AfterAll
    static void stop() throws Exception {
        osgi.close();
    }

    @Test
    void threadDump_WhileCallsAreInsideDomains() throws Exception {
        Compressor zlib = osgi.service(Compressor.class, WAIT);
        Hostile hostile = osgi.liveService(Hostile.class, h -> h.echo(1), WAIT);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong zlibCalls = new AtomicLong();
        ConcurrentLinkedQueue<Object> problems = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            threads.add(Thread.ofPlatform().name("in-zlib-" + i).start(() -> {
                byte[] input = ZlibSuite.sample("text", 50_000);
                byte[] packed = new byte[60_000];
                while (running.get()) {
                    try {
                        if (zlib.deflate(input, packed, 9) <= 0) {
                            problems.add("deflate failed");
                        }
                        zlibCalls.incrementAndGet();
                    } catch (RuntimeException e) {
                        problems.add(e);
                        return;
                    }
                }
            }));
        }
        threads.add(Thread.ofPlatform().name("in-hostile-sleep").start(() -> {
            while (running.get()) {
                try {
                    long r = hostile.sleepMillis(200);
                    if (r != 0) {
                        problems.add("sleep returned " + r);
                    }
                } catch (RuntimeException e) {
                    problems.add(e);
                    return;
                }
            }
        }));
        Thread.sleep(300);

        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        // Into a file, not a pipe this JVM reads: the dump is written while
        // every Java thread here is held at the safepoint, the reader too, so
        // a dump larger than the pipe and socket buffers would wait forever
        // (seen in CI: the VM thread blocked in a socket send).
        Path out = Files.createTempFile("cordon-thread-dump", ".txt");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "Thread.print")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String dump = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        assertTrue(finished, "jcmd finished");
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(0, p.exitValue(), "jcmd succeeded: " + dump);
        assertTrue(dump.contains("\"in-zlib-0\"") && dump.contains("\"in-hostile-sleep\""),
                "the dump lists the threads inside domains:\n" + dump);
        assertTrue(problems.isEmpty(), "no call noticed the signals: " + problems);
        assertTrue(zlibCalls.get() > 0, "zlib kept answering");
        assertEquals(9, hostile.echo(9), "the hostile domain is still the same, healthy one");
    }
}
