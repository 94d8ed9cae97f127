package dev.cordon.bundles.example;

/** Compresses whole byte arrays; backed by zlib running in a Cordon domain. */
public interface Archiver {
    byte[] compress(byte[] data);

    byte[] decompress(byte[] compressed, int originalLength);

    /** Asks the hostile bundle to read a null pointer; returns what the caller saw. */
    String provokeFault();
}
