package dev.cordon.itest;

import net.jpountz.lz4.LZ4Factory;

/**
 * The unisolated half of {@link Lz4CveTest}, in a JVM of its own (it may
 * crash): the secret is allocated right before the destination, the crafted
 * block is decoded by lz4-java's JNI fast decompressor, and the output says
 * whether the destination now holds the secret.
 */
public final class Lz4LeakChild {
    private Lz4LeakChild() {
    }

    public static void main(String[] args) {
        byte[] block = Lz4Crafted.block();
        var decompressor = LZ4Factory.nativeInstance().fastDecompressor();
        for (int attempt = 0; attempt < 20; attempt++) {
            byte[] secret = Lz4Crafted.secret();
            byte[] dest = new byte[Lz4Crafted.DEST_LEN];
            decompressor.decompress(block, 0, dest, 0, Lz4Crafted.DEST_LEN);
            if (Lz4Crafted.holdsTheSecret(dest)) {
                System.out.println("LEAKED " + secret.length);
                return;
            }
        }
        System.out.println("NO LEAK");
    }
}
