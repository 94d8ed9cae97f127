package dev.cordon.bundles.zlib;

import dev.cordon.isolation.ReturnsLengthOf;

/**
 * zlib, running in its own Cordon domain. The output of {@link #deflate} is
 * byte-identical to {@code java.util.zip.Deflater} at the same level. Negative
 * results are zlib's error codes: -5 output too small (or input truncated),
 * -3 corrupt data, -2 bad level.
 */
public interface Compressor {
    int Z_STREAM_ERROR = -2;
    int Z_DATA_ERROR = -3;
    int Z_BUF_ERROR = -5;

    /** Compresses all of {@code input} into {@code output} in zlib format; returns the length written. */
    @ReturnsLengthOf(1)
    int deflate(byte[] input, byte[] output, int level);

    /** Decompresses a zlib stream; returns the length written to {@code output}. */
    @ReturnsLengthOf(1)
    int inflate(byte[] input, byte[] output);

    long crc32(byte[] input);

    long adler32(byte[] input);

    /** Writes zlib's version string into {@code output}; returns its length. */
    @ReturnsLengthOf(0)
    int version(byte[] output);

    /** Does nothing: the cost of a call through the gate. */
    long noop();
}
