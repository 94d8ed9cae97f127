package dev.cordon.isolation.internal.jni;

import dev.cordon.isolation.jni.NativeLoads;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/** The errors of woven loads, and the one lookup that can end in one (findLibrary). */
public final class Refusals {
    static final String NO_RUNTIME = "no Cordon runtime with JNI domains serves this class (issue 12: JNI"
            + " libraries run in domains through the runtime bundle, for the bundles it isolates)";
    static final String UNREADABLE = "its clause of " + NativeLoads.PROPERTY + " could not be read (see the log)";

    private Refusals() {
    }

    /** A load that did not happen, and why; the library never ran. */
    public static UnsatisfiedLinkError refusal(Class<?> caller, String call, String library, String why) {
        return new UnsatisfiedLinkError("Cordon: " + call + "(\"" + library + "\") refused in " + caller.getName()
                + ": bundle " + bundleName(caller) + " is isolated by " + NativeLoads.PROPERTY + ", and " + why
                + "; the library was not loaded. To run the bundle unisolated, remove it from "
                + NativeLoads.PROPERTY + ".");
    }

    /**
     * {@code System.loadLibrary(name)}'s file: what the caller's class loader
     * finds for it (a bundle's: its {@code Bundle-NativeCode} entry, extracted by
     * the framework). The JDK's fallback to {@code java.library.path} is not taken.
     */
    static Path findLibrary(Class<?> caller, String call, String name) {
        ClassLoader loader = caller.getClassLoader();
        for (Class<?> c = loader == null ? null : loader.getClass(); c != null && c != ClassLoader.class;
                c = c.getSuperclass()) {
            try {
                Method find = c.getDeclaredMethod("findLibrary", String.class);
                find.setAccessible(true);
                Object path = find.invoke(loader, name);
                if (path instanceof String s && Path.of(s).isAbsolute()) {
                    return Path.of(s);
                }
                break;
            } catch (NoSuchMethodException e) {
                // look further up
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                throw refusal(caller, call, name, "its class loader could not find the library: " + e);
            }
        }
        throw refusal(caller, call, name, "its class loader has no library " + name
                + " (Bundle-NativeCode); java.library.path is not searched for isolated bundles");
    }

    private static String bundleName(Class<?> caller) {
        Bundle bundle = FrameworkUtil.getBundle(caller);
        return bundle == null ? "(none: " + caller.getClassLoader() + ")" : bundle.getSymbolicName();
    }
}
