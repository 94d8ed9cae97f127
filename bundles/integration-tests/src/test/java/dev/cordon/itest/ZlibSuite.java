package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.bundles.example.Archiver;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.demo.CordonFramework;
import dev.cordon.isolation.DomainInfo;
import dev.cordon.isolation.Domains;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.osgi.framework.ServiceReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real zlib in a domain, against java.util.zip: one suite, run once per
 * backend by its subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ZlibSuite {
    private CordonFramework osgi;
    private Compressor zlib;

    /** The backend under test, as the service property {@code cordon.backend} names it. */
    abstract String backend();

    /** Framework properties for this backend's run. */
    Map<String, String> frameworkProperties() {
        return Map.of();
    }

    /** Installs whatever the backend needs beyond the reactor's bundles. */
    void prepare(CordonFramework framework) throws Exception {
    }

    @BeforeAll
    void start() throws Exception {
        osgi = Framework.start("zlib-" + backend(), frameworkProperties());
        prepare(osgi);
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Collection<ServiceReference<Compressor>> refs;
        while ((refs = osgi.context().getServiceReferences(Compressor.class,
                "(cordon.backend=" + backend() + ")")).isEmpty()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("no zlib service on " + backend());
            }
            Thread.sleep(10);
        }
        zlib = osgi.context().getService(refs.iterator().next());
    }

    @AfterAll
    void stop() throws Exception {
        if (osgi != null) {
            osgi.close();
        }
    }

    private static byte[] javaDeflate(byte[] input, int level) {
        Deflater deflater = new Deflater(level);
        deflater.setInput(input);
        deflater.finish();
        byte[] out = new byte[input.length * 2 + 1024];
        int n = 0;
        while (!deflater.finished()) {
            n += deflater.deflate(out, n, out.length - n);
        }
        deflater.end();
        return Arrays.copyOf(out, n);
    }

    private byte[] cordonDeflate(byte[] input, int level) {
        byte[] out = new byte[input.length * 2 + 1024];
        int n = zlib.deflate(input, out, level);
        assertTrue(n >= 0, "deflate failed with " + n);
        return Arrays.copyOf(out, n);
    }

    static byte[] sample(String kind, int size) {
        Random random = new Random(size * 31L + kind.hashCode());
        byte[] data = new byte[size];
        switch (kind) {
            case "random" -> random.nextBytes(data);
            case "text" -> {
                byte[] words = "the quick brown fox jumps over the lazy dog and cordon isolates it "
                        .getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < size; i++) {
                    data[i] = words[(i + random.nextInt(3)) % words.length];
                }
            }
            default -> Arrays.fill(data, (byte) 'z');
        }
        return data;
    }

    @ParameterizedTest(name = "deflate at level {0} is byte-identical to java.util.zip")
    @ValueSource(ints = {-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
    void deflateMatchesJavaUtilZip_AtEveryLevel(int level) {
        for (String kind : new String[] {"text", "random", "zeros"}) {
            for (int size : new int[] {0, 1, 100, 65_536, 300_000}) {
                byte[] input = sample(kind, size);
                assertArrayEquals(javaDeflate(input, level), cordonDeflate(input, level),
                        kind + " of " + size + " bytes at level " + level);
            }
        }
    }

    @Test
    void arbitraryDataRoundTrips() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] input = new byte[random.nextInt(200_000)];
            random.nextBytes(input);
            if (random.nextBoolean()) {
                Arrays.fill(input, 0, input.length / 2, (byte) random.nextInt());
            }
            byte[] packed = cordonDeflate(input, random.nextInt(10));
            byte[] out = new byte[input.length];
            assertEquals(input.length, zlib.inflate(packed, out));
            assertArrayEquals(input, out);
        }
    }

    @Test
    void checksumsMatchJavaUtilZip() {
        byte[] input = sample("text", 123_457);
        CRC32 crc = new CRC32();
        crc.update(input);
        Adler32 adler = new Adler32();
        adler.update(input);
        assertEquals(crc.getValue(), zlib.crc32(input));
        assertEquals(adler.getValue(), zlib.adler32(input));
    }

    @Test
    void corruptOrTruncatedInputIsAnErrorCode_NotAFault() {
        byte[] packed = cordonDeflate(sample("text", 10_000), 6);
        byte[] out = new byte[10_000];
        byte[] corrupt = packed.clone();
        corrupt[2] ^= (byte) 0xff;
        assertEquals(Compressor.Z_DATA_ERROR, zlib.inflate(corrupt, out));
        assertEquals(Compressor.Z_BUF_ERROR, zlib.inflate(Arrays.copyOf(packed, packed.length / 2), out));
        assertEquals(Compressor.Z_BUF_ERROR, zlib.inflate(packed, new byte[10]));
        assertEquals(Compressor.Z_STREAM_ERROR, zlib.deflate(new byte[10], new byte[100], 42));
    }

    @Test
    void declarativeServicesConsumerUsesIsolatedZlib() throws Exception {
        Archiver archiver = osgi.service(Archiver.class, Duration.ofSeconds(30));
        byte[] input = sample("text", 50_000);
        long before = zlibDomain().calls();
        assertArrayEquals(input, archiver.decompress(archiver.compress(input), input.length));
        assertEquals(before + 2, zlibDomain().calls(), "the DS consumer's two calls were served on " + backend());
    }

    /** The one zlib domain on the backend under test. */
    private DomainInfo zlibDomain() throws InterruptedException {
        List<DomainInfo> found = osgi.service(Domains.class, Duration.ofSeconds(5)).list().stream()
                .filter(d -> d.bundle().contains("zlib") && d.backend().equals(backend())).toList();
        assertEquals(1, found.size(), () -> "one zlib domain on " + backend() + ": " + found);
        return found.get(0);
    }

    @Test
    void arenaOverflow_IsRefusedBeforeTheCall_AndTheDomainGoesOn() {
        byte[] big = new byte[3 << 20];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> zlib.deflate(big, new byte[big.length], 1));
        assertTrue(e.getMessage().contains("argument area"), e.getMessage());
        assertEquals(0, zlib.noop());
    }
}
