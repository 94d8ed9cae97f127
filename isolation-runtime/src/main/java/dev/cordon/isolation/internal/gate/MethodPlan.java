package dev.cordon.isolation.internal.gate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.cordon.isolation.InvalidDomainResultException;
import dev.cordon.isolation.ReturnsLengthOf;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How calls to one interface method are marshalled: worked out once at bind
 * time so that the hot path only copies bytes and stores longs.
 */
public final class MethodPlan {
    public static final int MAX_NATIVE_ARGS = 6;
    private static final int ALIGN = 16;

    private final Method method;
    private final String symbol;
    private final ParamKind[] kinds;
    private final Class<?> returnType;
    private final int lengthOf;

    private MethodPlan(Method method, String symbol, ParamKind[] kinds, int lengthOf) {
        this.method = method;
        this.symbol = symbol;
        this.kinds = kinds;
        this.returnType = method.getReturnType();
        this.lengthOf = lengthOf;
    }

    public static MethodPlan of(Method method, String symbol) throws GateBindingException {
        String where = method.getDeclaringClass().getName() + "." + method.getName() + "()";
        Class<?>[] types = method.getParameterTypes();
        ParamKind[] kinds = new ParamKind[types.length];
        int nativeArgs = 0;
        for (int i = 0; i < types.length; i++) {
            kinds[i] = ParamKind.of(types[i]);
            if (kinds[i] == null) {
                throw new GateBindingException(where + ": parameter " + i + " of type " + types[i].getSimpleName()
                        + " cannot cross a gate (use a primitive, byte[], ByteBuffer, MemorySegment or String)");
            }
            nativeArgs += kinds[i].nativeArgs;
        }
        if (nativeArgs > MAX_NATIVE_ARGS) {
            throw new GateBindingException(where + ": needs " + nativeArgs + " native arguments, at most "
                    + MAX_NATIVE_ARGS + " are supported");
        }
        Class<?> r = method.getReturnType();
        if (r != void.class && r != int.class && r != long.class && r != boolean.class) {
            throw new GateBindingException(where + ": return type " + r.getSimpleName()
                    + " cannot cross a gate (use void, int, long or boolean)");
        }
        int lengthOf = -1;
        ReturnsLengthOf bound = method.getAnnotation(ReturnsLengthOf.class);
        if (bound != null) {
            lengthOf = bound.value();
            if (lengthOf < 0 || lengthOf >= kinds.length || kinds[lengthOf].nativeArgs != 2
                    || (r != int.class && r != long.class)) {
                throw new GateBindingException(where + ": @ReturnsLengthOf(" + lengthOf
                        + ") must name a byte[], ByteBuffer or MemorySegment parameter of a method returning int or long");
            }
        }
        return new MethodPlan(method, symbol, kinds, lengthOf);
    }

    public Method method() {
        return method;
    }

    public String symbol() {
        return symbol;
    }

    /**
     * Copies the arguments into {@code arena} and fills {@code out} with the
     * native arguments. Returns the mask of arguments that are arena offsets.
     */
    int marshal(Object[] args, MemorySegment arena, long[] out) {
        int mask = 0;
        int n = 0;
        long used = 0;
        for (int i = 0; i < kinds.length; i++) {
            Object a = args[i];
            switch (kinds[i]) {
                case SCALAR -> out[n++] = scalar(a);
                case STRING -> {
                    byte[] utf8 = ((String) a).getBytes(StandardCharsets.UTF_8);
                    long at = reserve(arena, used, utf8.length + 1L, i);
                    MemorySegment.copy(utf8, 0, arena, JAVA_BYTE, at, utf8.length);
                    arena.set(JAVA_BYTE, at + utf8.length, (byte) 0);
                    used = at + utf8.length + 1;
                    mask |= 1 << n;
                    out[n++] = at;
                }
                default -> {
                    MemorySegment source = view(kinds[i], a, i);
                    long at = reserve(arena, used, source.byteSize(), i);
                    MemorySegment.copy(source, 0, arena, at, source.byteSize());
                    used = at + source.byteSize();
                    mask |= 1 << n;
                    out[n++] = at;
                    out[n++] = source.byteSize();
                }
            }
        }
        return mask;
    }

    /** Copies writable buffer arguments back from the arena after the call. */
    void unmarshal(Object[] args, MemorySegment arena, long[] nativeArgs) {
        int n = 0;
        for (int i = 0; i < kinds.length; i++) {
            ParamKind kind = kinds[i];
            if (kind.nativeArgs == 2) {
                MemorySegment target = view(kind, args[i], i);
                if (!target.isReadOnly()) {
                    MemorySegment.copy(arena, nativeArgs[n], target, 0, target.byteSize());
                }
            }
            n += kind.nativeArgs;
        }
    }

    /** Converts and checks the raw result; the domain's word is never trusted. */
    Object result(long raw, Object[] args) {
        if (lengthOf >= 0 && raw >= 0) {
            long capacity = view(kinds[lengthOf], args[lengthOf], lengthOf).byteSize();
            if (raw > capacity) {
                throw new InvalidDomainResultException(symbol + " returned length " + raw
                        + " for a buffer of " + capacity + " bytes");
            }
        }
        if (returnType == int.class) {
            if (raw != (int) raw) {
                throw new InvalidDomainResultException(symbol + " returned " + raw + ", which does not fit an int");
            }
            return (int) raw;
        }
        if (returnType == long.class) {
            return raw;
        }
        if (returnType == boolean.class) {
            return raw != 0;
        }
        return null;
    }

    private static long scalar(Object a) {
        return switch (a) {
            case Integer v -> v;
            case Long v -> v;
            case Short v -> v;
            case Byte v -> v;
            case Character v -> v;
            case Boolean v -> v ? 1 : 0;
            default -> throw new IllegalStateException("not a scalar: " + a);
        };
    }

    private static MemorySegment view(ParamKind kind, Object a, int index) {
        if (a == null) {
            throw new NullPointerException("argument " + index + " is null");
        }
        return switch (kind) {
            case BYTES -> MemorySegment.ofArray((byte[]) a);
            case BUFFER -> {
                ByteBuffer b = (ByteBuffer) a;
                yield MemorySegment.ofBuffer(b);
            }
            case SEGMENT -> (MemorySegment) a;
            default -> throw new IllegalStateException(kind.name());
        };
    }

    private long reserve(MemorySegment arena, long used, long size, int index) {
        long at = (used + ALIGN - 1) & -ALIGN;
        if (at + size > arena.byteSize()) {
            throw new IllegalArgumentException(method.getName() + ": argument " + index + " needs " + size
                    + " bytes; all arguments of one call must fit the domain's argument area of "
                    + arena.byteSize() + " bytes (policy key 'arena')");
        }
        return at;
    }
}
