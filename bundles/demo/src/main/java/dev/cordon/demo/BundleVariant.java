package dev.cordon.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A copy of a bundle under another symbolic name, with manifest headers
 * replaced and entries rewritten: the zlib bundle on another backend for the
 * benchmarks, or with one defect for the tests.
 */
public final class BundleVariant {
    private BundleVariant() {
    }

    public static Path of(Path original, String symbolicName, Map<String, String> headers,
            String entry, UnaryOperator<byte[]> rewrite) throws IOException {
        Path copy = Files.createTempFile(symbolicName, ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(original))) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            main.putValue("Bundle-SymbolicName", symbolicName);
            headers.forEach(main::putValue);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), manifest)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null;) {
                    byte[] bytes = in.readAllBytes();
                    if (e.getName().equals(entry)) {
                        bytes = rewrite.apply(bytes);
                    }
                    out.putNextEntry(new JarEntry(e.getName()));
                    out.write(bytes);
                    out.closeEntry();
                }
            }
        }
        return copy;
    }
}
