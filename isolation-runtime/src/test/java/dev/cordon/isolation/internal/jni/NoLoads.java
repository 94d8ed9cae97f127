package dev.cordon.isolation.internal.jni;

/** A class without native loads: the weaver leaves it alone. */
public class NoLoads {
    public static int square(int x) {
        return x * x;
    }
}
