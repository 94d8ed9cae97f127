package dev.cordon.isolation.internal.domain;

import dev.cordon.isolation.internal.gate.GateBindingException;
import dev.cordon.isolation.internal.gate.MethodPlan;
import dev.cordon.isolation.internal.policy.ServiceDeclaration;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** A declared service with its interface loaded and every method planned. */
record ServiceBinding(ServiceDeclaration declaration, Class<?> iface, List<MethodPlan> plans) {

    static ServiceBinding bind(ServiceDeclaration declaration, Class<?> iface) throws GateBindingException {
        if (!iface.isInterface()) {
            throw new GateBindingException(iface.getName() + " is not an interface");
        }
        List<Method> methods = Arrays.stream(iface.getMethods())
                .filter(m -> !m.isDefault() && !Modifier.isStatic(m.getModifiers()))
                .sorted(Comparator.comparing(Method::getName))
                .toList();
        for (String mapped : declaration.symbols().keySet()) {
            if (methods.stream().noneMatch(m -> m.getName().equals(mapped))) {
                throw new GateBindingException("Cordon-Service: " + iface.getSimpleName() + " has no method '" + mapped + "'");
            }
        }
        List<MethodPlan> plans = new ArrayList<>();
        for (Method m : methods) {
            plans.add(MethodPlan.of(m, declaration.symbolFor(m.getName())));
        }
        return new ServiceBinding(declaration, iface, List.copyOf(plans));
    }
}
