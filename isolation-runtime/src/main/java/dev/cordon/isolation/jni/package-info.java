/**
 * What the Cordon weaver calls instead of {@code System.load}/{@code loadLibrary}
 * in the classes of a bundle named by the framework property
 * {@code dev.cordon.isolate}. Woven code imports this package dynamically; nothing
 * else should call it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.cordon.isolation.jni;
