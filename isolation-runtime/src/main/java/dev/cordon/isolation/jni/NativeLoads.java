package dev.cordon.isolation.jni;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The targets of the rewritten call sites. Each one has the stack effect of the
 * call it replaces (a virtual call's receiver becomes the first argument), so
 * the weaver swaps one instruction for another; the calling class comes from
 * the stack, which is the class whose call site was rewritten.
 *
 * <p>Until JNI libraries run in domains (issue 12, next steps), every load is
 * refused: a library of an isolated bundle never runs unisolated.
 */
public final class NativeLoads {
    /** The framework property that names the isolated bundles. */
    public static final String PROPERTY = "dev.cordon.isolate";

    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private NativeLoads() {
    }

    /** Replaces {@code System.load(String)}. */
    public static void load(String path) {
        throw refusal(STACK.getCallerClass(), "System.load", path);
    }

    /** Replaces {@code System.loadLibrary(String)}, the path of Bundle-NativeCode too. */
    public static void loadLibrary(String name) {
        throw refusal(STACK.getCallerClass(), "System.loadLibrary", name);
    }

    /** Replaces {@code Runtime.load(String)}. */
    public static void load(Runtime runtime, String path) {
        throw refusal(STACK.getCallerClass(), "Runtime.load", path);
    }

    /** Replaces {@code Runtime.loadLibrary(String)}. */
    public static void loadLibrary(Runtime runtime, String name) {
        throw refusal(STACK.getCallerClass(), "Runtime.loadLibrary", name);
    }

    /** Replaces {@code SymbolLookup.libraryLookup(String, Arena)}: a dlopen into the JVM as well. */
    public static SymbolLookup libraryLookup(String name, Arena arena) {
        throw refusal(STACK.getCallerClass(), "SymbolLookup.libraryLookup", name);
    }

    /** Replaces {@code SymbolLookup.libraryLookup(Path, Arena)}. */
    public static SymbolLookup libraryLookup(Path path, Arena arena) {
        throw refusal(STACK.getCallerClass(), "SymbolLookup.libraryLookup", String.valueOf(path));
    }

    static UnsatisfiedLinkError refusal(Class<?> caller, String call, String library) {
        return new UnsatisfiedLinkError("Cordon: " + call + "(\"" + library + "\") refused in " + caller.getName()
                + ": bundle " + bundleName(caller) + " is isolated by " + PROPERTY
                + ", and JNI libraries in domains are not implemented yet (issue 12); the library was not loaded."
                + " To run the bundle unisolated, remove it from " + PROPERTY + ".");
    }

    private static String bundleName(Class<?> caller) {
        Bundle bundle = FrameworkUtil.getBundle(caller);
        return bundle == null ? "(none: " + caller.getClassLoader() + ")" : bundle.getSymbolicName();
    }
}
