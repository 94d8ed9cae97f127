package dev.cordon.isolation.internal.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the OSGi header syntax (core spec 3.2.4): clauses separated by commas,
 * parameters by semicolons, quoted strings may contain either. A typed
 * attribute ({@code version:Version=1.0}) keeps its value and drops its type.
 */
public final class HeaderParser {
    private final String header;
    private final String text;
    private int pos;

    private HeaderParser(String header, String text) {
        this.header = header;
        this.text = text;
    }

    public static List<HeaderClause> parse(String header, String text) throws InvalidManifestException {
        if (text == null || text.isBlank()) {
            throw new InvalidManifestException(header + ": empty header");
        }
        return new HeaderParser(header, text).clauses();
    }

    private List<HeaderClause> clauses() throws InvalidManifestException {
        List<HeaderClause> clauses = new ArrayList<>();
        do {
            clauses.add(clause());
        } while (accept(','));
        skipSpace();
        if (pos != text.length()) {
            throw error("unexpected '" + text.charAt(pos) + "'");
        }
        return clauses;
    }

    private HeaderClause clause() throws InvalidManifestException {
        String path = token();
        if (path.isEmpty()) {
            throw error("a clause must start with a name");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        Map<String, String> directives = new LinkedHashMap<>();
        while (accept(';')) {
            String key = token();
            if (key.isEmpty()) {
                throw error("empty parameter name");
            }
            boolean directive = false;
            if (accept(':')) {
                // either a directive (key:=value) or a typed attribute (key:Type=value)
                directive = accept('=');
                if (!directive && (token().isEmpty() || !accept('='))) {
                    throw error("malformed parameter '" + key + "'");
                }
            } else if (!accept('=')) {
                throw error("parameter '" + key + "' has no value");
            }
            String name = key;
            Map<String, String> target = directive ? directives : attributes;
            if (target.put(name, value()) != null) {
                throw error("'" + name + "' given twice");
            }
        }
        return new HeaderClause(path, Map.copyOf(attributes), Map.copyOf(directives));
    }

    /**
     * A name, path or attribute key: everything up to a delimiter, without the
     * white space around it (the same white space skipSpace skips, so that a
     * name reads the same wherever it stands). Control characters are refused:
     * no name needs one, and one would make the name print differently.
     */
    private String token() throws InvalidManifestException {
        skipSpace();
        int start = pos;
        while (pos < text.length() && ",;=:\"".indexOf(text.charAt(pos)) < 0) {
            char c = text.charAt(pos);
            if (Character.isISOControl(c) && !Character.isWhitespace(c)) {
                throw error(String.format("control character U+%04X", (int) c));
            }
            pos++;
        }
        return text.substring(start, pos).strip();
    }

    private String value() throws InvalidManifestException {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == '"') {
            int end = text.indexOf('"', pos + 1);
            if (end < 0) {
                throw error("unterminated quoted string");
            }
            String quoted = text.substring(pos + 1, end);
            pos = end + 1;
            return quoted;
        }
        String plain = token();
        if (plain.isEmpty()) {
            throw error("empty value");
        }
        return plain;
    }

    private boolean accept(char c) {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean expect(char c) throws InvalidManifestException {
        if (!accept(c)) {
            throw error("expected '" + c + "'");
        }
        return true;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private InvalidManifestException error(String what) {
        return new InvalidManifestException(header + ": " + what + " at column " + (pos + 1) + " of \"" + text + "\"");
    }
}
