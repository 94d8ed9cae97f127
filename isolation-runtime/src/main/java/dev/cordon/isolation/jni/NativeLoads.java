package dev.cordon.isolation.jni;

import dev.cordon.isolation.internal.jni.JniIsolation;
import dev.cordon.isolation.internal.jni.Refusals;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/**
 * The targets of the rewritten call sites. Each one has the stack effect of the
 * call it replaces (a virtual call's receiver becomes the first argument), so
 * the weaver swaps one instruction for another; the calling class comes from
 * the stack, which is the class whose call site was rewritten.
 *
 * <p>{@code System.load*} and {@code Runtime.load*} go to the bundle's domain
 * ({@link JniIsolation}); {@code SymbolLookup.libraryLookup} is refused: a
 * library of an isolated bundle never runs unisolated.
 */
public final class NativeLoads {
    /** The framework property that names the isolated bundles. */
    public static final String PROPERTY = "dev.cordon.isolate";

    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private NativeLoads() {
    }

    /** Replaces {@code System.load(String)}. */
    public static void load(String path) {
        JniIsolation.load(STACK.getCallerClass(), "System.load", path, false);
    }

    /** Replaces {@code System.loadLibrary(String)}, the path of Bundle-NativeCode too. */
    public static void loadLibrary(String name) {
        JniIsolation.load(STACK.getCallerClass(), "System.loadLibrary", name, true);
    }

    /** Replaces {@code Runtime.load(String)}. */
    public static void load(Runtime runtime, String path) {
        JniIsolation.load(STACK.getCallerClass(), "Runtime.load", path, false);
    }

    /** Replaces {@code Runtime.loadLibrary(String)}. */
    public static void loadLibrary(Runtime runtime, String name) {
        JniIsolation.load(STACK.getCallerClass(), "Runtime.loadLibrary", name, true);
    }

    /** Replaces {@code SymbolLookup.libraryLookup(String, Arena)}: a dlopen into the JVM as well. */
    public static SymbolLookup libraryLookup(String name, Arena arena) {
        throw refusal(STACK.getCallerClass(), "SymbolLookup.libraryLookup", name);
    }

    /** Replaces {@code SymbolLookup.libraryLookup(Path, Arena)}. */
    public static SymbolLookup libraryLookup(Path path, Arena arena) {
        throw refusal(STACK.getCallerClass(), "SymbolLookup.libraryLookup", String.valueOf(path));
    }

    private static UnsatisfiedLinkError refusal(Class<?> caller, String call, String library) {
        return Refusals.refusal(caller, call, library, "a library loaded through " + call
                + " is not isolated by Cordon yet (issue 12)");
    }
}
