package dev.cordon.isolation.internal.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeMethodsTest {
    /** Natives of every shape the mangling must get right. */
    abstract static class Natives_1 {
        static native int plain(int x);

        native long[] arrays(byte[][] a, String s);

        static native void overloaded(int x);

        static native void overloaded(java.util.Map<String, ?> m, double d);

        native void ünïcode();

        int notNative() {
            return 0;
        }
    }

    @Test
    void nativeMethods_AreFoundInTheClassFile_WithTheJvmsSymbolNames() throws IOException {
        List<NativeMethods.Method> found;
        try (InputStream in = Natives_1.class.getResourceAsStream("NativeMethodsTest$Natives_1.class")) {
            found = NativeMethods.in(ClassFile.of().parse(in.readAllBytes()));
        }
        assertEquals(5, found.size(), found.toString());
        String prefix = "Java_dev_cordon_isolation_internal_jni_NativeMethodsTest_00024Natives_11_";
        NativeMethods.Method plain = byName(found, "plain", "(I)I");
        assertEquals(prefix + "plain", plain.shortSymbol());
        assertEquals(prefix + "plain__I", plain.longSymbol());
        NativeMethods.Method arrays = byName(found, "arrays", "([[BLjava/lang/String;)[J");
        assertEquals(prefix + "arrays___3_3BLjava_lang_String_2", arrays.longSymbol());
        assertEquals(prefix + "overloaded__Ljava_util_Map_2D",
                byName(found, "overloaded", "(Ljava/util/Map;D)V").longSymbol());
        assertEquals(prefix + "_000fcn_000efcode", byName(found, "ünïcode", "()V").shortSymbol());
    }

    private static NativeMethods.Method byName(List<NativeMethods.Method> all, String name, String descriptor) {
        return all.stream().filter(m -> m.name().equals(name) && m.descriptor().equals(descriptor)).findFirst()
                .orElseThrow(() -> new AssertionError(name + descriptor + " not in " + all));
    }
}
