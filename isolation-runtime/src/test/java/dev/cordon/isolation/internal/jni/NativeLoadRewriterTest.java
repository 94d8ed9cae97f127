package dev.cordon.isolation.internal.jni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.jni.NativeLoads;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeLoadRewriterTest {
    private final NativeLoadRewriter rewriter = new NativeLoadRewriter(getClass().getClassLoader());

    @Test
    void everyLoadForm_CallsNativeLoads_WhichRefusesOutsideARuntime_NamingTheLibrary() throws Exception {
        Class<?> woven = woven();
        List<String[]> forms = List.of(
                new String[] {"systemLoad", "System.load(\"/nonexistent/libsystem-load.so\")"},
                new String[] {"systemLoadLibrary", "System.loadLibrary(\"system-load-library\")"},
                new String[] {"runtimeLoad", "Runtime.load(\"/nonexistent/libruntime-load.so\")"},
                new String[] {"runtimeLoadLibrary", "Runtime.loadLibrary(\"runtime-load-library\")"},
                new String[] {"lookupByName", "SymbolLookup.libraryLookup(\"libsymbol-lookup.so\")"},
                new String[] {"lookupByPath", "SymbolLookup.libraryLookup(\"/nonexistent/libsymbol-path.so\")"});
        for (String[] form : forms) {
            Throwable t = invokeFailing(woven.getMethod(form[0]));
            assertTrue(t instanceof UnsatisfiedLinkError, form[0] + ": " + t);
            String m = t.getMessage();
            assertTrue(m.startsWith("Cordon: " + form[1] + " refused in " + woven.getName()), m);
            assertTrue(m.contains("isolated by " + NativeLoads.PROPERTY) && m.contains("issue 12")
                    && m.contains("remove it from " + NativeLoads.PROPERTY), m);
        }
    }

    @Test
    void unwoven_TheSameCallsReachTheJdk() {
        // proves the refusal above comes from the weaving: the JDK's own message differs
        Throwable t = invokeFailing(() -> Loader.systemLoadLibrary());
        assertTrue(t instanceof UnsatisfiedLinkError && !t.getMessage().contains("Cordon"), String.valueOf(t));
    }

    @Test
    void wovenCode_NoLoadSiteLeft_AndOtherMethodsByteIdentical() throws Exception {
        byte[] original = bytes(Loader.class);
        byte[] rewritten = rewriter.rewrite(original).orElseThrow();
        ClassModel before = ClassFile.of().parse(original);
        ClassModel after = ClassFile.of().parse(rewritten);
        for (MethodModel method : after.methods()) {
            method.code().ifPresent(code -> code.forEach(e -> {
                if (e instanceof InvokeInstruction invoke) {
                    assertTrue(NativeLoadRewriter.replacement(invoke).isEmpty(), "left: " + invoke);
                }
            }));
        }
        for (String name : List.of("untouched", "notALoad", "<init>")) {
            assertArrayEquals(code(before, name), code(after, name), name);
        }
    }

    @Test
    void wovenCode_BehavesAsBefore_OutsideTheLoads() throws Exception {
        Class<?> woven = woven();
        assertEquals(Loader.untouched(100), woven.getMethod("untouched", int.class).invoke(null, 100));
        assertEquals(Loader.loadInABranch(50), woven.getMethod("loadInABranch", int.class).invoke(null, 50));
        assertEquals(Loader.notALoad(), woven.getMethod("notALoad").invoke(null));
        Throwable t = invokeFailing(() -> woven.getMethod("loadInABranch", int.class).invoke(null, -1));
        assertTrue(t instanceof UnsatisfiedLinkError && t.getMessage().contains("\"never\""), String.valueOf(t));
    }

    @Test
    void aClassWithoutLoads_IsNotRewritten() throws IOException {
        assertEquals(Optional.empty(), rewriter.rewrite(bytes(NoLoads.class)));
    }

    private static Class<?> woven;

    /** Loader woven, defined once under another name beside the original, so both can be called. */
    private synchronized Class<?> woven() throws Exception {
        if (woven == null) {
            woven = define(rewriter.rewrite(bytes(Loader.class)).orElseThrow());
        }
        return woven;
    }

    private static byte[] code(ClassModel model, String method) {
        return model.methods().stream().filter(m -> m.methodName().equalsString(method)).findFirst().orElseThrow()
                .findAttribute(Attributes.code()).orElseThrow().codeArray();
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Class<?> define(byte[] rewritten) throws Exception {
        ClassModel model = ClassFile.of().parse(rewritten);
        java.lang.constant.ClassDesc copy = java.lang.constant.ClassDesc.of(Loader.class.getName() + "Woven");
        byte[] renamed = ClassFile.of().transformClass(model, copy,
                java.lang.classfile.ClassTransform.ACCEPT_ALL);
        return MethodHandles.lookup().defineClass(renamed);
    }

    interface Call {
        void run() throws Exception;
    }

    private static Throwable invokeFailing(Method method) {
        return invokeFailing(() -> method.invoke(null));
    }

    private static Throwable invokeFailing(Call call) {
        try {
            call.run();
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected the call to fail");
    }
}
