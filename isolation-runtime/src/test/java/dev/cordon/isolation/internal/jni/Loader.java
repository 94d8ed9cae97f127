package dev.cordon.isolation.internal.jni;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/** Each form of native load the weaver rewrites, and code that must come through unchanged. */
public class Loader {
    public static void systemLoad() {
        System.load("/nonexistent/libsystem-load.so");
    }

    public static void systemLoadLibrary() {
        System.loadLibrary("system-load-library");
    }

    public static void runtimeLoad() {
        Runtime.getRuntime().load("/nonexistent/libruntime-load.so");
    }

    public static void runtimeLoadLibrary() {
        Runtime runtime = Runtime.getRuntime();
        runtime.loadLibrary("runtime-load-library");
    }

    public static SymbolLookup lookupByName() {
        return SymbolLookup.libraryLookup("libsymbol-lookup.so", Arena.global());
    }

    public static SymbolLookup lookupByPath() {
        return SymbolLookup.libraryLookup(Path.of("/nonexistent/libsymbol-path.so"), Arena.global());
    }

    /** Branches and a loop (stack maps) around a load in one arm. */
    public static int loadInABranch(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += i % 3 == 0 ? i : -1;
        }
        if (n < 0) {
            System.loadLibrary("never");
        }
        return sum;
    }

    public static int untouched(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += i * i;
        }
        return sum;
    }

    public static String notALoad() {
        return System.getProperty("java.specification.version");
    }
}
