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

    /** GetVersion, from native code: one call back that runs no Java code. */
    public static native int jniVersion();

    /** Every element of {@code a} set to {@code v}, released with {@code mode} (0, JNI_COMMIT 1, JNI_ABORT 2). */
    public static native void fill(byte[] a, byte v, int mode);

    /** {@code a[0] += 100} through one copy, released; then {@code same[0]} as a second copy sees it. */
    public static native int addThenRead(int[] a, int[] same);

    /** {@code same[0] += 100} through one copy, released; then {@code a[0]} as a second copy sees it. */
    public static native int addThenReadOther(int[] a, int[] same);

    /** Bytes [from, to) of the direct buffer {@code b} set to {@code v}; its capacity. */
    public static native long fillBuffer(java.nio.ByteBuffer b, int from, int to, byte v);

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
