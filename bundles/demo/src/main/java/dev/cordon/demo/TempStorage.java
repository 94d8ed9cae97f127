package dev.cordon.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A framework's storage directory under the system's temporary directory,
 * removed when closed or, at the latest, when the JVM exits (Ctrl-C too):
 * the demo and the shell leave nothing behind in /tmp.
 */
public final class TempStorage implements AutoCloseable {
    private final Path dir;
    private final Thread onExit;

    public TempStorage(String prefix) throws IOException {
        dir = Files.createTempDirectory(prefix);
        onExit = new Thread(this::delete, "cordon-storage-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the hook is running or has run: it deleted the directory
        }
    }

    private synchronized void delete() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cordon: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
