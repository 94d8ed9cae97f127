package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The soak's leak check can fail: an fd, a thread and a temp entry held past the snapshot are reported. */
class ResourceSnapshotTest {
    @Test
    void anOpenFd_AThread_AndATempEntry_AreReported_UntilTheyAreGone() throws Exception {
        Files.delete(Files.createTempFile("warm-up", ".tmp")); // the JDK keeps /dev/urandom open after its first use
        ResourceSnapshot before = ResourceSnapshot.take();
        Path temp = Files.createTempFile("cordon-snapshot-test", ".tmp");
        CountDownLatch release = new CountDownLatch(1);
        Thread held = Thread.ofPlatform().name("held-thread").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (FileChannel open = FileChannel.open(temp, StandardOpenOption.READ)) {
            List<String> leaks = ResourceSnapshot.take().leaksSince(before, Long.MAX_VALUE, Long.MAX_VALUE, 0);
            String all = String.join("\n", leaks);
            assertTrue(all.contains("fds on " + temp.toRealPath()), all);
            assertTrue(all.contains("held-thread"), all);
            assertTrue(all.contains("temp entries: [") && all.contains(temp.getFileName().toString()), all);
        } finally {
            release.countDown();
            held.join();
            Files.delete(temp);
        }
        // temp entries aside: other processes may create cordon-* files in a shared temp dir meanwhile
        assertEquals(List.of(), ResourceSnapshot.take().leaksSince(before, Long.MAX_VALUE, Long.MAX_VALUE, 0).stream()
                .filter(l -> !l.startsWith("temp entries")).toList());
    }
}
