package dev.cordon.bundles.hostile;

import dev.cordon.isolation.ReturnsLengthOf;

/**
 * One entry per misbehaviour of DESIGN.md section 1. Every one must be
 * contained: the JVM and every other domain go on. Entries that return
 * report what the kernel answered (negative errno when refused).
 */
public interface Hostile {
    /** A healthy call: returns its argument. */
    long echo(long value);

    long nullRead();

    long wildWrite();

    long stackOverflow();

    long infiniteLoop();

    long abort();

    long divideByZero(long zero);

    long illegalInstruction();

    /** 0 if both a 16 GiB malloc and a 16 GiB mmap were refused, 1 if either succeeded. */
    long hugeAlloc();

    /** Bytes of /etc/passwd read into {@code out}, or -errno. */
    @ReturnsLengthOf(0)
    int openPasswd(byte[] out);

    /**
     * Creates {@code /created-by-domain} (0600) and writes to it: bytes written, or
     * -errno. On uswitch "/" is the data directory, and the file must belong to the
     * uid the host gave the domain, never the JVM's.
     */
    long createFile();

    /** The child's pid if fork succeeded, else -errno. */
    long forkExec();

    long writeStdout();

    long writeHighFd();

    /** write(fd, "pwned\n", 6) with an fd number the JVM has open: bytes written, or -errno. */
    long writeFd(long fd);

    /** kill(getppid(), SIGKILL): 0, or -errno. The parent is the JVM. */
    long killParent();

    /** Returns a length 4096 bytes larger than {@code out}. */
    @ReturnsLengthOf(0)
    int badLength(byte[] out);

    long sleepMillis(long millis);

    // --- attacks on an in-process (mpk) domain ---

    /** Reads 8 bytes at {@code address} (the JVM's memory, another domain's). */
    long peek(long address);

    /** Writes 8 bytes at {@code address}. */
    long poke(long address, long value);

    /** Stores {@code value} in a buffer of the domain's own; returns the buffer's address. */
    long ownBuffer(long value);

    /** The first word of that buffer. */
    long readOwnBuffer();

    /** mprotect (0), pkey_mprotect (1), munmap (2) or mremap (3) of the page at {@code address}; -errno. */
    long remapHost(long which, long address);

    /** open("/proc/self/mem", O_RDWR): an fd or -errno. */
    long openProcSelfMem();

    /** process_vm_writev into its own process at {@code address}: bytes written or -errno. */
    long processVmWrite(long address, long value);

    /** Writes a byte at %gs:offset (the mpk backend's switch page). */
    long writeGs(long offset, long value);
}
