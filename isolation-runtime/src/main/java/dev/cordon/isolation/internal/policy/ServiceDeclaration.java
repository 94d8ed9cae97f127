package dev.cordon.isolation.internal.policy;

import java.util.Map;

/**
 * One service of a native bundle, from a clause of {@code Cordon-Service}.
 *
 * @param interfaceName  the Java interface the service is registered under
 * @param symbols        method name to exported symbol; a method not listed binds to
 *                       the symbol of its own name
 * @param stateless      callers holding an old proxy are rebound after a restart
 *                       instead of getting {@code DomainFailedException}
 */
public record ServiceDeclaration(String interfaceName, Map<String, String> symbols, boolean stateless) {

    public String symbolFor(String method) {
        return symbols.getOrDefault(method, method);
    }
}
