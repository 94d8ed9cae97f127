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
 * cordon-host and libcordon.so (and for JNI libraries in process domains,
 * cordon-jni-host and libcordon-jni.so), which the runtime bundle carries under
 * native/ and unpacks into its data area (a JAR entry cannot be executed or
 * mapped).
 *
 * <p>One libcordon.so per JVM: the mpk gate in it owns process-wide things
 * (the protection keys, signal handlers in front of HotSpot's, the threads'
 * switch pages), so a second copy loaded by a second framework or a refreshed
 * runtime bundle would find no keys left. The first runtime to unpack a given
 * build records its path in a system property (visible across class loaders);
 * a later runtime with the same bytes loads that path again, which the
 * dynamic linker resolves to the library already loaded.
 */
public record NativeArtifacts(Path host, Path library, Path jniHost, Path jniShim) {
    private static final String LOADED_PROPERTY = "dev.cordon.native.libcordon.";

    static NativeArtifacts unpack(Bundle runtime) throws IOException {
        Path dir = runtime.getDataFile("native").toPath();
        Files.createDirectories(dir);
        Path host = unpack(runtime, "native/bin/cordon-host", dir.resolve("cordon-host"));
        Path jniHost = unpack(runtime, "native/bin/cordon-jni-host", dir.resolve("cordon-jni-host"));
        // one shim per runtime bundle: its natives belong to this bundle's class loader
        Path jniShim = unpack(runtime, "native/lib/libcordon-jni.so", dir.resolve("libcordon-jni.so"));
        String key = LOADED_PROPERTY + sha256(runtime, "native/lib/libcordon.so");
        synchronized (System.class) {
            String loaded = System.getProperty(key);
            if (loaded != null) {
                return new NativeArtifacts(host, Path.of(loaded), jniHost, jniShim);
            }
            Path library = unpack(runtime, "native/lib/libcordon.so", dir.resolve("libcordon.so"));
            System.setProperty(key, library.toString());
            return new NativeArtifacts(host, library, jniHost, jniShim);
        }
    }

    private static String sha256(Bundle runtime, String entry) throws IOException {
        URL url = runtime.getEntry(entry);
        if (url == null) {
            throw new IOException("the runtime bundle has no " + entry + " (was native/ built?)");
        }
        try (InputStream in = url.openStream()) {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    /** For tests and tools outside a framework: the native build's output directory. */
    public static NativeArtifacts inDirectory(Path nativeTarget) {
        return new NativeArtifacts(nativeTarget.resolve("bin/cordon-host"), nativeTarget.resolve("lib/libcordon.so"),
                nativeTarget.resolve("bin/cordon-jni-host"), nativeTarget.resolve("lib/libcordon-jni.so"));
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
