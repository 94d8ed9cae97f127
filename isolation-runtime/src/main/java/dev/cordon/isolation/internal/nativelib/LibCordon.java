package dev.cordon.isolation.internal.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

/** Bindings to libcordon.so (native/lib): the image loader and the host spawner. */
public final class LibCordon {
    private static final int ERR_LEN = 512;

    private final MethodHandle imageLoad;
    private final MethodHandle imageSymbol;
    private final MethodHandle imageUnload;
    private final MethodHandle imageMappedSize;
    private final MethodHandle directConfine;
    private final MemorySegment directCall;
    private final MethodHandle spawnHost;

    public LibCordon(Path library) {
        Linker linker = Linker.nativeLinker();
        // global arena: the library stays loaded for the JVM's life, like any JNI library
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        imageLoad = linker.downcallHandle(lib.find("cordon_image_load").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
        imageSymbol = linker.downcallHandle(lib.find("cordon_image_symbol").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        imageUnload = linker.downcallHandle(lib.find("cordon_image_unload").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS));
        imageMappedSize = linker.downcallHandle(lib.find("cordon_image_mapped_size").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        directConfine = linker.downcallHandle(lib.find("cordon_direct_confine").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        directCall = lib.find("cordon_direct_call").orElseThrow();
        spawnHost = linker.downcallHandle(lib.find("cordon_spawn_host").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** Loads an image into this process; returns its handle. */
    public MemorySegment loadImage(byte[] image) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(Math.max(1, image.length), 4096);
            MemorySegment.copy(image, 0, bytes, JAVA_BYTE, 0, image.length);
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment err = arena.allocate(ERR_LEN);
            int rc = (int) imageLoad.invokeExact(bytes, (long) image.length, out, err, (long) ERR_LEN);
            if (rc != 0) {
                throw new IOException("malformed domain image: " + err.getString(0));
            }
            return out.get(ADDRESS, 0);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("image load", t);
        }
    }

    public MemorySegment symbol(MemorySegment image, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (MemorySegment) imageSymbol.invokeExact(image, arena.allocateFrom(name));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public long mappedSize(MemorySegment image) {
        try {
            return (long) imageMappedSize.invokeExact(image);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Before any code of the image runs in this process: a confined image's
     * table gets the verifier's targets and {@link #directCall()}'s return
     * label (native/direct); an unconfined one is left alone.
     *
     * @return true if the image is confined: it may not call out of its code
     */
    public boolean confineForDirectCalls(MemorySegment image) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(ERR_LEN);
            int rc = (int) directConfine.invokeExact(image, err, (long) ERR_LEN);
            if (rc < 0) {
                throw new IOException("confined domain image refused: " + err.getString(0));
            }
            return rc == 1;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("image confine", t);
        }
    }

    /** {@code int64_t cordon_direct_call(a0, ..., a5, fn)}: the one way inprocess calls into an image. */
    public MemorySegment directCall() {
        return directCall;
    }

    public void unloadImage(MemorySegment image) {
        try {
            imageUnload.invokeExact(image);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Spawns cordon-host with {@code channelFd} as its fd 3; returns the pid. */
    public int spawnHost(Path host, List<String> args, int channelFd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argv = arena.allocate(ADDRESS, args.size() + 2L);
            argv.setAtIndex(ADDRESS, 0, arena.allocateFrom(host.toString()));
            for (int i = 0; i < args.size(); i++) {
                argv.setAtIndex(ADDRESS, i + 1, arena.allocateFrom(args.get(i)));
            }
            argv.setAtIndex(ADDRESS, args.size() + 1, MemorySegment.NULL);
            MemorySegment err = arena.allocate(ERR_LEN);
            int pid = (int) spawnHost.invokeExact(arena.allocateFrom(host.toString()), argv, channelFd, err,
                    (long) ERR_LEN);
            if (pid <= 0) {
                throw new IOException("cannot start cordon-host: " + err.getString(0));
            }
            return pid;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("spawn", t);
        }
    }
}
