package dev.cordon.isolation.internal.jni;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.osgi.framework.Bundle;

/**
 * The {@code native} methods a bundle's classes declare, read from its class
 * files (no class is loaded for this), with the two JNI symbol names the JVM
 * would look for (JNI specification, "Resolving Native Method Names").
 */
record NativeMethods(List<Method> methods) {

    /**
     * @param className  binary name, {@code a.b.C$D}
     * @param name       the method's name
     * @param descriptor its JNI descriptor, {@code (I[B)J}
     */
    record Method(String className, String name, String descriptor) {
        String shortSymbol() {
            return "Java_" + mangle(className.replace('.', '/')) + "_" + mangle(name);
        }

        String longSymbol() {
            String params = descriptor.substring(1, descriptor.indexOf(')'));
            return shortSymbol() + "__" + mangle(params);
        }
    }

    static NativeMethods of(Bundle bundle) throws IOException {
        List<Method> found = new ArrayList<>();
        for (URL entry : Collections.list(bundle.findEntries("/", "*.class", true))) {
            try (InputStream in = entry.openStream()) {
                found.addAll(in(ClassFile.of().parse(in.readAllBytes())));
            } catch (IllegalArgumentException notAClass) {
                // a .class entry that does not parse cannot be loaded either
            }
        }
        return new NativeMethods(List.copyOf(found));
    }

    static List<Method> in(ClassModel model) {
        List<Method> found = new ArrayList<>();
        String className = model.thisClass().asInternalName().replace('/', '.');
        for (MethodModel m : model.methods()) {
            if ((m.flags().flagsMask() & ClassFile.ACC_NATIVE) != 0) {
                found.add(new Method(className, m.methodName().stringValue(), m.methodType().stringValue()));
            }
        }
        return found;
    }

    /** JNI's escapes: _1 for '_', _2 ';', _3 '[', _0xxxx for anything not ASCII alphanumeric, '/' as '_'. */
    static String mangle(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '/') {
                out.append('_');
            } else if (c == '_') {
                out.append("_1");
            } else if (c == ';') {
                out.append("_2");
            } else if (c == '[') {
                out.append("_3");
            } else if (c < 128 && Character.isLetterOrDigit(c)) {
                out.append(c);
            } else {
                out.append(String.format("_0%04x", (int) c));
            }
        }
        return out.toString();
    }
}
