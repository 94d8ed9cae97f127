package dev.cordon.isolation.internal.jni;

import java.nio.file.Path;

/**
 * libcordon-jni.so, the trusted shim in the JVM (native/jni): it binds native
 * methods to trampolines into a domain and serves the domain's JNI requests.
 * Loaded once per runtime bundle, by the runtime itself.
 */
final class JniShim {
    /** {@code JNI_BIND}'s answer when the library has no such function (cordon/channel.h). */
    static final int NO_SYMBOL = 4;

    private static volatile boolean loaded;

    private JniShim() {
    }

    static synchronized void load(Path shim) {
        if (!loaded) {
            System.load(shim.toString());
            loaded = true;
        }
    }

    /** The shim's record of one domain; {@code deadlineNanos} bounds each call into it. */
    static native long newDomain(JniDomain domain, long deadlineNanos);

    /** A new incarnation: the old one's global references are dropped. */
    static native void newIncarnation(long domain, long arenaBytes);

    /** Finds {@code symbol} in the domain's library as method {@code index}: 0, NO_SYMBOL, or another status. */
    static native int hostBind(long domain, int index, String symbol, String descriptor);

    /** RegisterNatives: {@code cls.name} now calls method {@code index} of the domain. 0 on success. */
    static native int bind(long domain, Class<?> cls, String name, String descriptor, Class<?> returns, int index);

    /** JNI_OnLoad in the domain: its version, 0 if there is none, -1 with an exception thrown. */
    static native int onLoad(long domain);
}
