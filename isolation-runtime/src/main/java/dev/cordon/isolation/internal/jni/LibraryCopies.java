package dev.cordon.isolation.internal.jni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Cordon's own copy of each library a domain loads, named by its content:
 * the file the bundle handed over may be deleted right after the load
 * (lz4-java deletes its temporary file), and a restarted domain loads the
 * library again.
 */
final class LibraryCopies {
    private static final long MAX_BYTES = 512L << 20;

    private final Path dir;

    LibraryCopies(Path dir) {
        this.dir = dir;
    }

    Path copyOf(Path library) throws IOException {
        if (!library.isAbsolute()) {
            throw new IOException("not an absolute path: " + library);
        }
        if (Files.size(library) > MAX_BYTES) {
            throw new IOException("larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        byte[] bytes = Files.readAllBytes(library);
        Path target = dir.resolve(sha256(bytes).substring(0, 16) + "-" + library.getFileName());
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
            return target;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "copy", ".new");
        Files.write(temp, bytes);
        return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
