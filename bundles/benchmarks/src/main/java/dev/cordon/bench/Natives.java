package dev.cordon.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** The unisolated baselines: plain FFM downcalls into libc and the system's zlib. */
final class Natives {
    private static final Linker LINKER = Linker.nativeLinker();

    /** libc abs(int): about the smallest function there is. */
    static final MethodHandle ABS = LINKER.downcallHandle(LINKER.defaultLookup().find("abs").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** zlib's uncompress(dest, &destLen, source, sourceLen) from Debian's libz.so.1. */
    static final MethodHandle UNCOMPRESS = LINKER.downcallHandle(
            SymbolLookup.libraryLookup("libz.so.1", Arena.global()).find("uncompress").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

    private Natives() {
    }
}
