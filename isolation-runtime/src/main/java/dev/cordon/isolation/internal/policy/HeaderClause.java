package dev.cordon.isolation.internal.policy;

import java.util.Map;

/** One clause of an OSGi manifest header: {@code path;attr=value;directive:=value}. */
public record HeaderClause(String path, Map<String, String> attributes, Map<String, String> directives) {
}
