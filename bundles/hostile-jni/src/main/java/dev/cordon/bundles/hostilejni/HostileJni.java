package dev.cordon.bundles.hostilejni;

/**
 * An ordinary JNI bundle (Bundle-NativeCode, System.loadLibrary) whose
 * library misbehaves on purpose, for the JNI containment tests.
 */
public final class HostileJni {
    static {
        System.loadLibrary("hostilejni");
    }

    private HostileJni() {
    }

    public static native int echo(int x);

    /** 2x, bound by the library's JNI_OnLoad with RegisterNatives (no Java_ symbol). */
    public static native int twice(int x);

    /** GetArrayLength, from native code: one call back into the JVM. */
    public static native int arrayLength(int[] a);

    /** The sum of everything, each element of {@code arr} doubled in place. */
    public static native double mix(byte b, short s, char c, int i, long j, float f, double d, boolean z, int[] arr,
            String str);

    /** {@code o.toString() + "!"}, made in native code. */
    public static native String shout(Object o);

    /** Throws IllegalArgumentException(why) from native code. */
    public static native void refuse(String why);

    /** jdk.internal.misc.Unsafe.getUnsafe(), from native code. */
    public static native Object internalUnsafe();

    /** A String's private value array, from native code. */
    public static native Object stringBytes(String s);

    public static native int forgedHandle();

    public static native int wrongKind();

    public static native int wrongType(String notAnArray);

    /** NewObjectArray(1, int.class): what would crash HotSpot. */
    public static native Object primitiveObjectArray();

    /** Boolean.TRUE = Boolean.FALSE, from native code. */
    public static native void falsifyTrue();

    public static native void fatal();

    public static native void segv();
}
