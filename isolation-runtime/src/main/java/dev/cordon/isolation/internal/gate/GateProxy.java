package dev.cordon.isolation.internal.gate;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The service object a caller gets from the registry: a JDK proxy of the
 * service interface whose every method goes through a gate.
 */
public final class GateProxy implements InvocationHandler {
    private final String description;
    private final Map<Method, Integer> planIndex = new HashMap<>();
    private final CallTarget target;
    private static final Object[] NO_ARGS = {};

    private final long timeoutNanos;

    private GateProxy(String description, List<MethodPlan> plans, int firstPlan, CallTarget target,
            long timeoutNanos) {
        this.description = description;
        for (int i = 0; i < plans.size(); i++) {
            planIndex.put(plans.get(i).method(), firstPlan + i);
        }
        this.target = target;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * @param plans      the interface's methods, in the incarnation's plan table from {@code firstPlan}
     * @param timeout    the policy's deadline per call, in nanoseconds
     */
    public static Object create(Class<?> iface, List<MethodPlan> plans, int firstPlan, CallTarget target,
            long timeout, String description) {
        return Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface},
                new GateProxy(description, plans, firstPlan, target, timeout));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        Integer plan = planIndex.get(method);
        if (plan == null) {
            return objectMethod(proxy, method, args);
        }
        return target.incarnation(timeoutNanos).call(plan, args == null ? NO_ARGS : args, timeoutNanos);
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> description;
            default -> throw new UnsupportedOperationException(method.toString());
        };
    }
}
