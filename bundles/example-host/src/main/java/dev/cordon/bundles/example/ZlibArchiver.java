package dev.cordon.bundles.example;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.bundles.zlib.Compressor;
import dev.cordon.isolation.DomainFailedException;
import java.util.Arrays;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * An ordinary DS component: it neither knows nor cares that zlib runs in
 * another domain, except that a fault there reaches it as an exception.
 */
@Component(service = Archiver.class)
public class ZlibArchiver implements Archiver {
    @Reference
    private Compressor zlib;

    @Reference
    private Hostile hostile;

    @Override
    public byte[] compress(byte[] data) {
        // zlib's bound for a whole-buffer deflate: input + 0.1% + 12, plus the wrapper
        byte[] out = new byte[data.length + data.length / 1000 + 64];
        int n = zlib.deflate(data, out, 6);
        if (n < 0) {
            throw new IllegalStateException("deflate failed: zlib error " + n);
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public byte[] decompress(byte[] compressed, int originalLength) {
        byte[] out = new byte[originalLength];
        int n = zlib.inflate(compressed, out);
        if (n != originalLength) {
            throw new IllegalStateException("inflate gave " + n + " bytes, expected " + originalLength);
        }
        return out;
    }

    @Override
    public String provokeFault() {
        try {
            return "no fault: " + hostile.nullRead();
        } catch (DomainFailedException e) {
            return e.getMessage();
        }
    }
}
