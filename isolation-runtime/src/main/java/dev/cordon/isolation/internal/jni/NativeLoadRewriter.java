package dev.cordon.isolation.internal.jni;

import dev.cordon.isolation.jni.NativeLoads;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.Optional;

/**
 * Rewrites the call sites that load a native library into the JVM
 * ({@code System.load}, {@code System.loadLibrary}, {@code Runtime.load},
 * {@code Runtime.loadLibrary}, {@code SymbolLookup.libraryLookup}) into calls of
 * {@link NativeLoads}, one instruction for one with the same stack effect. A
 * class without such a call site is returned as it came, byte for byte.
 */
public final class NativeLoadRewriter {
    static final ClassDesc TARGET = ClassDesc.of(NativeLoads.class.getName());
    private static final ClassDesc RUNTIME = ClassDesc.of("java.lang.Runtime");
    private static final ClassDesc SYSTEM = ClassDesc.of("java.lang.System");
    private static final ClassDesc SYMBOL_LOOKUP = ClassDesc.of("java.lang.foreign.SymbolLookup");

    private final ClassFile classFile;

    /** @param loader resolves the woven class's own types for the stack maps (the bundle's class loader) */
    public NativeLoadRewriter(ClassLoader loader) {
        ClassHierarchyResolver resolver = ClassHierarchyResolver.ofResourceParsing(loader)
                .orElse(ClassHierarchyResolver.defaultResolver());
        classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
    }

    /** The class with its native loads rewritten, or empty when it has none. */
    public Optional<byte[]> rewrite(byte[] bytes) {
        ClassModel model = classFile.parse(bytes);
        if (model.methods().stream().noneMatch(NativeLoadRewriter::loadsNatively)) {
            return Optional.empty();
        }
        ClassTransform transform = ClassTransform.transformingMethodBodies(
                NativeLoadRewriter::loadsNatively, NativeLoadRewriter::redirect);
        return Optional.of(classFile.transformClass(model, transform));
    }

    private static boolean loadsNatively(MethodModel method) {
        return method.code().map(NativeLoadRewriter::loadsNatively).orElse(false);
    }

    private static boolean loadsNatively(CodeModel code) {
        for (CodeElement element : code) {
            if (element instanceof InvokeInstruction invoke && replacement(invoke).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private static void redirect(java.lang.classfile.CodeBuilder builder, CodeElement element) {
        if (element instanceof InvokeInstruction invoke) {
            Optional<MethodTypeDesc> type = replacement(invoke);
            if (type.isPresent()) {
                builder.invokestatic(TARGET, invoke.name().stringValue(), type.get());
                return;
            }
        }
        builder.with(element);
    }

    /** The type of the NativeLoads method that replaces this call, if it loads a library. */
    static Optional<MethodTypeDesc> replacement(InvokeInstruction invoke) {
        ClassDesc owner = invoke.owner().asSymbol();
        String name = invoke.name().stringValue();
        MethodTypeDesc type = invoke.typeSymbol();
        boolean loads = name.equals("load") || name.equals("loadLibrary");
        boolean takesString = type.equals(MethodTypeDesc.ofDescriptor("(Ljava/lang/String;)V"));
        if (loads && takesString && invoke.opcode() == Opcode.INVOKESTATIC && owner.equals(SYSTEM)) {
            return Optional.of(type);
        }
        if (loads && takesString && invoke.opcode() == Opcode.INVOKEVIRTUAL && owner.equals(RUNTIME)) {
            return Optional.of(type.insertParameterTypes(0, RUNTIME));
        }
        if (name.equals("libraryLookup") && invoke.opcode() == Opcode.INVOKESTATIC && owner.equals(SYMBOL_LOOKUP)) {
            return Optional.of(type);
        }
        return Optional.empty();
    }
}
