package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cordon.demo.CordonFramework;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * zstd-jni's and lz4-java's public APIs beyond the block calls, through the
 * bundles' own classes: direct and heap ByteBuffers, dictionaries, streams,
 * XXHash, zstd's workers. Each workload checks its own round trip and
 * returns its outputs by name, so that an isolated run can be compared with
 * an unisolated one byte for byte.
 */
final class JniWorkloads {
    private static final String ZSTD = "com.github.luben.zstd-jni";
    private static final String LZ4 = "lz4-java";
    private static final byte[] DICT = ("the quick brown fox jumps over the lazy dog 0123456789 "
            + "Cordon isolates JNI bundles. ").repeat(40).getBytes(StandardCharsets.UTF_8);

    private final ClassLoader zstd;
    private final ClassLoader lz4;

    JniWorkloads(CordonFramework osgi) throws Exception {
        zstd = osgi.bundle(ZSTD).adapt(org.osgi.framework.wiring.BundleWiring.class).getClassLoader();
        lz4 = osgi.bundle(LZ4).adapt(org.osgi.framework.wiring.BundleWiring.class).getClassLoader();
    }

    Map<String, byte[]> zstd(Map<String, byte[]> corpus, boolean workers) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Class<?> z = zstd.loadClass("com.github.luben.zstd.Zstd");
        Class<?> dictC = zstd.loadClass("com.github.luben.zstd.ZstdDictCompress");
        Class<?> dictD = zstd.loadClass("com.github.luben.zstd.ZstdDictDecompress");
        Object dc = dictC.getConstructor(byte[].class, int.class).newInstance(DICT, 3);
        Object dd = dictD.getConstructor(byte[].class).newInstance((Object) DICT);
        for (Map.Entry<String, byte[]> e : corpus.entrySet()) {
            byte[] in = e.getValue();
            String k = "zstd " + e.getKey();
            out.put(k + " direct", zstdDirect(z, in));
            byte[] withDict = (byte[]) call(z, null, "compress", new Class<?>[] {byte[].class, dictC}, in, dc);
            assertArrayEquals(in, (byte[]) call(z, null, "decompress", new Class<?>[] {byte[].class, dictD, int.class},
                    withDict, dd, in.length), k + " dictionary round trip");
            out.put(k + " dictionary", withDict);
            out.put(k + " stream", zstdStream(in, 0));
            if (workers) {
                out.put(k + " stream, 2 workers", zstdStream(in, 2));
            }
        }
        return out;
    }

    private byte[] zstdDirect(Class<?> z, byte[] in) throws Exception {
        ByteBuffer src = ByteBuffer.allocateDirect(Math.max(1, in.length));
        src.put(in).flip();
        int bound = (int) (long) call(z, null, "compressBound", new Class<?>[] {long.class}, (long) in.length);
        ByteBuffer dst = ByteBuffer.allocateDirect(bound);
        long n = (long) call(z, null, "compressDirectByteBuffer", new Class<?>[] {ByteBuffer.class, int.class,
            int.class, ByteBuffer.class, int.class, int.class, int.class}, dst, 0, bound, src, 0, in.length, 3);
        byte[] compressed = new byte[(int) n];
        dst.get(0, compressed);
        ByteBuffer back = ByteBuffer.allocateDirect(Math.max(1, in.length));
        long m = (long) call(z, null, "decompressDirectByteBuffer", new Class<?>[] {ByteBuffer.class, int.class,
            int.class, ByteBuffer.class, int.class, int.class}, back, 0, in.length, dst, 0, (int) n);
        assertEquals(in.length, m, "zstd direct: decompressed size");
        byte[] b = new byte[in.length];
        back.get(0, b);
        assertArrayEquals(in, b, "zstd direct round trip");
        return compressed;
    }

    private byte[] zstdStream(byte[] in, int workers) throws Exception {
        Class<?> os = zstd.loadClass("com.github.luben.zstd.ZstdOutputStream");
        Class<?> is = zstd.loadClass("com.github.luben.zstd.ZstdInputStream");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream z = (OutputStream) os.getConstructor(OutputStream.class, int.class).newInstance(sink, 3);
        if (workers > 0) {
            call(os, z, "setWorkers", new Class<?>[] {int.class}, workers);
        }
        for (int off = 0; off < in.length; off += 100_000) {
            z.write(in, off, Math.min(100_000, in.length - off));
        }
        z.close();
        byte[] compressed = sink.toByteArray();
        try (InputStream r = (InputStream) is.getConstructor(InputStream.class)
                .newInstance(new ByteArrayInputStream(compressed))) {
            assertArrayEquals(in, r.readAllBytes(), "zstd stream round trip");
        }
        return compressed;
    }

    Map<String, byte[]> lz4(Map<String, byte[]> corpus) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Class<?> factoryType = lz4.loadClass("net.jpountz.lz4.LZ4Factory");
        Object factory = call(factoryType, null, "nativeInstance", new Class<?>[0]);
        Object compressor = call(factoryType, factory, "fastCompressor", new Class<?>[0]);
        Object decompressor = call(factoryType, factory, "fastDecompressor", new Class<?>[0]);
        Class<?> hashes = lz4.loadClass("net.jpountz.xxhash.XXHashFactory");
        Object xx = call(hashes, null, "nativeInstance", new Class<?>[0]);
        Object h32 = call(hashes, xx, "hash32", new Class<?>[0]);
        Object h64 = call(hashes, xx, "hash64", new Class<?>[0]);
        Class<?> x32 = lz4.loadClass("net.jpountz.xxhash.XXHash32");
        Class<?> x64 = lz4.loadClass("net.jpountz.xxhash.XXHash64");
        for (Map.Entry<String, byte[]> e : corpus.entrySet()) {
            byte[] in = e.getValue();
            String k = "lz4 " + e.getKey();
            out.put(k + " direct", lz4Buffers(compressor, decompressor, in, true));
            out.put(k + " heap buffer", lz4Buffers(compressor, decompressor, in, false));
            out.put(k + " block stream", lz4Stream(compressor, decompressor, in));
            int a = (int) call(x32, h32, "hash", new Class<?>[] {byte[].class, int.class, int.class,
                int.class}, in, 0, in.length, 0x9747b28c);
            long b = (long) call(x64, h64, "hash", new Class<?>[] {byte[].class, int.class, int.class,
                long.class}, in, 0, in.length, 42L);
            ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(1, in.length));
            direct.put(in).flip();
            long c = (long) call(x64, h64, "hash", new Class<?>[] {ByteBuffer.class, int.class, int.class,
                long.class}, direct, 0, in.length, 42L);
            assertEquals(b, c, k + ": xxhash64 of a byte[] and of a direct buffer");
            out.put(k + " xxhash", ByteBuffer.allocate(12).putInt(a).putLong(b).array());
        }
        return out;
    }

    private byte[] lz4Buffers(Object compressor, Object decompressor, byte[] in, boolean direct) throws Exception {
        int bound = (int) call(compressor.getClass(), compressor, "maxCompressedLength", new Class<?>[] {int.class},
                in.length);
        ByteBuffer src = direct ? ByteBuffer.allocateDirect(Math.max(1, in.length)) : ByteBuffer.allocate(in.length);
        src.put(in).flip();
        ByteBuffer dst = direct ? ByteBuffer.allocateDirect(bound) : ByteBuffer.allocate(bound);
        call(compressor.getClass(), compressor, "compress", new Class<?>[] {ByteBuffer.class, ByteBuffer.class},
                src, dst);
        dst.flip();
        byte[] compressed = new byte[dst.remaining()];
        dst.get(dst.position(), compressed);
        ByteBuffer back = direct ? ByteBuffer.allocateDirect(Math.max(1, in.length)) : ByteBuffer.allocate(in.length);
        back.limit(in.length);
        call(decompressor.getClass(), decompressor, "decompress", new Class<?>[] {ByteBuffer.class, ByteBuffer.class},
                dst, back);
        byte[] b = new byte[in.length];
        back.get(0, b);
        assertArrayEquals(in, b, "lz4 " + (direct ? "direct" : "heap") + " buffer round trip");
        return compressed;
    }

    private byte[] lz4Stream(Object compressor, Object decompressor, byte[] in) throws Exception {
        Class<?> compressorType = lz4.loadClass("net.jpountz.lz4.LZ4Compressor");
        Class<?> decompressorType = lz4.loadClass("net.jpountz.lz4.LZ4FastDecompressor");
        Class<?> os = lz4.loadClass("net.jpountz.lz4.LZ4BlockOutputStream");
        Class<?> is = lz4.loadClass("net.jpountz.lz4.LZ4BlockInputStream");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Constructor<?> make = os.getConstructor(OutputStream.class, int.class, compressorType);
        try (OutputStream w = (OutputStream) make.newInstance(sink, 64 << 10, compressor)) {
            w.write(in);
        }
        byte[] compressed = sink.toByteArray();
        try (InputStream r = (InputStream) is.getConstructor(InputStream.class, decompressorType)
                .newInstance(new ByteArrayInputStream(compressed), decompressor)) {
            assertArrayEquals(in, r.readAllBytes(), "lz4 block stream round trip");
        }
        return compressed;
    }

    static Object call(Class<?> type, Object target, String name, Class<?>[] types, Object... args) throws Exception {
        Method m = type.getMethod(name, types);
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        }
    }

    static String describe(Map<String, byte[]> outputs) {
        return outputs.keySet().toString() + " " + Arrays.toString(outputs.values().stream().mapToInt(b -> b.length)
                .toArray());
    }
}
