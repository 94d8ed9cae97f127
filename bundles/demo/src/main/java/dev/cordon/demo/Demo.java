package dev.cordon.demo;

import dev.cordon.bundles.example.Archiver;
import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.isolation.DomainTable;
import dev.cordon.isolation.Domains;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./cordon demo}: calls each isolated service, provokes one contained
 * crash and the restart that follows, and prints the domains.
 */
public final class Demo {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path bundles = Path.of(args[0]);
        try (TempStorage storage = new TempStorage("cordon-demo");
                CordonFramework osgi = CordonFramework.start(storage.dir(), List.of(bundles))) {
            run(osgi);
        }
        System.exit(0);
    }

    private static void run(CordonFramework osgi) throws Exception {
        Compressor zlib = osgi.service(Compressor.class, WAIT);
        byte[] version = new byte[32];
        int n = zlib.version(version);
        System.out.println("zlib in its domain reports version " + new String(version, 0, n, StandardCharsets.US_ASCII));

        Archiver archiver = osgi.service(Archiver.class, WAIT);
        byte[] text = "Cordon puts native code in its own domain. ".repeat(8_000).getBytes(StandardCharsets.UTF_8);
        byte[] packed = archiver.compress(text);
        boolean same = Arrays.equals(text, archiver.decompress(packed, text.length));
        System.out.printf("compressed %d bytes to %d through the gate; round trip %s%n",
                text.length, packed.length, same ? "identical" : "DIFFERENT");

        System.out.println("hostile bundle reads a null pointer: " + archiver.provokeFault());
        // the restarted domain registers a fresh service; the old proxy stays dead
        Hostile hostile = osgi.liveService(Hostile.class, h -> h.echo(0), WAIT);
        System.out.println("after the restart the hostile domain answers echo(42) = " + hostile.echo(42));
        System.out.println("and zlib kept working: crc32 = 0x" + Long.toHexString(zlib.crc32(text)));

        System.out.println();
        System.out.print(DomainTable.format(osgi.service(Domains.class, WAIT).list()));
        if (!same) {
            throw new IllegalStateException("round trip differs");
        }
    }
}
