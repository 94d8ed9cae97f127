package dev.cordon.isolation.internal.extender;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.osgi.framework.Bundle;

/**
 * cordon-host and libcordon.so, which the runtime bundle carries under
 * native/ and unpacks into its data area (a JAR entry cannot be executed or
 * mapped).
 */
public record NativeArtifacts(Path host, Path library) {

    static NativeArtifacts unpack(Bundle runtime) throws IOException {
        Path dir = runtime.getDataFile("native").toPath();
        Files.createDirectories(dir);
        return new NativeArtifacts(
                unpack(runtime, "native/bin/cordon-host", dir.resolve("cordon-host")),
                unpack(runtime, "native/lib/libcordon.so", dir.resolve("libcordon.so")));
    }

    /** For tests and tools outside a framework: the native build's output directory. */
    public static NativeArtifacts inDirectory(Path nativeTarget) {
        return new NativeArtifacts(nativeTarget.resolve("bin/cordon-host"), nativeTarget.resolve("lib/libcordon.so"));
    }

    private static Path unpack(Bundle runtime, String entry, Path target) throws IOException {
        URL url = runtime.getEntry(entry);
        if (url == null) {
            throw new IOException("the runtime bundle has no " + entry + " (was native/ built?)");
        }
        // write next to the target and rename: a running host keeps its old inode
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".new");
        try (InputStream in = url.openStream()) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r-xr-xr-x"));
        return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
