package dev.cordon.isolation.internal.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code Cordon-Service} header:
 * <pre>
 * Cordon-Service: com.example.Compressor;stateless:=true;deflate=zc_deflate;inflate=zc_inflate
 * </pre>
 */
public final class ServiceParser {
    public static final String HEADER = "Cordon-Service";

    private ServiceParser() {
    }

    public static List<ServiceDeclaration> parse(String header) throws InvalidManifestException {
        List<ServiceDeclaration> services = new ArrayList<>();
        for (HeaderClause clause : HeaderParser.parse(HEADER, header)) {
            if (!clause.path().matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.]*")) {
                throw new InvalidManifestException(HEADER + ": '" + clause.path() + "' is not a Java interface name");
            }
            for (String directive : clause.directives().keySet()) {
                if (!directive.equals("stateless")) {
                    throw new InvalidManifestException(HEADER + ": unknown directive '" + directive + "'");
                }
            }
            for (String symbol : clause.attributes().values()) {
                if (!symbol.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new InvalidManifestException(HEADER + ": '" + symbol + "' is not a C symbol name");
                }
            }
            String stateless = clause.directives().getOrDefault("stateless", "false");
            if (!stateless.equals("true") && !stateless.equals("false")) {
                throw new InvalidManifestException(HEADER + ": stateless:=" + stateless + " is not true or false");
            }
            services.add(new ServiceDeclaration(clause.path(), clause.attributes(), Boolean.parseBoolean(stateless)));
        }
        return services;
    }
}
