package dev.cordon.isolation.internal.gate;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** How one Java parameter crosses a gate (see native/include/cordon/domain.h). */
enum ParamKind {
    /** Any integral primitive or boolean: one argument. */
    SCALAR(1),
    /** Copied into the argument area and back: pointer and length. */
    BYTES(2),
    BUFFER(2),
    SEGMENT(2),
    /** UTF-8, NUL-terminated, copied in only: one pointer. */
    STRING(1);

    final int nativeArgs;

    ParamKind(int nativeArgs) {
        this.nativeArgs = nativeArgs;
    }

    /** The kind for a parameter type, or null if it cannot cross a gate. */
    static ParamKind of(Class<?> type) {
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == char.class || type == boolean.class) {
            return SCALAR;
        }
        if (type == byte[].class) {
            return BYTES;
        }
        if (type == ByteBuffer.class) {
            return BUFFER;
        }
        if (type == MemorySegment.class) {
            return SEGMENT;
        }
        if (type == String.class) {
            return STRING;
        }
        return null;
    }
}
