/**
 * The public API of Cordon: what callers of an isolated service and authors of
 * a native bundle see.
 *
 * <p>A native bundle declares its domain and its services in its manifest:
 * <pre>
 * Require-Capability: osgi.extender;filter:="(osgi.extender=dev.cordon.isolation)"
 * Cordon-Domain: native/zlib.so;backend=process;memory=64m;deadline=5s;threads=8
 * Cordon-Service: com.example.Compressor;stateless:=true;deflate=zc_deflate
 * </pre>
 * and the Java interface of a service uses only primitives, {@code byte[]},
 * {@code ByteBuffer}, {@code MemorySegment} and {@code String}:
 * <pre>
 * public interface Compressor {
 *     &#64;ReturnsLengthOf(1)
 *     int deflate(byte[] input, byte[] output, int level);
 * }
 * </pre>
 * A caller gets the service from the registry as usual. A fault inside the
 * domain reaches it as a {@link dev.cordon.isolation.DomainFailedException};
 * a call past the domain's deadline as a
 * {@link dev.cordon.isolation.DomainTimeoutException}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.cordon.isolation;
