package dev.cordon.isolation.internal.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes ({@code 64m}) and durations ({@code 500ms}) as written in manifest headers. */
final class Quantities {
    private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d{1,12})([a-z]*)");

    private Quantities() {
    }

    static long size(String key, String value) throws InvalidManifestException {
        Matcher m = match(key, value);
        long shift = switch (m.group(2)) {
            case "", "b" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> throw invalid(key, value, "a size like 512k, 64m or 1g");
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw invalid(key, value, "a size below 8 EiB");
        }
        return n << shift;
    }

    static Duration duration(String key, String value) throws InvalidManifestException {
        Matcher m = match(key, value);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            default -> throw invalid(key, value, "a duration like 500ms, 5s or 1m");
        };
    }

    static int integer(String key, String value, int min, int max) throws InvalidManifestException {
        Matcher m = match(key, value);
        if (!m.group(2).isEmpty()) {
            throw invalid(key, value, "a whole number");
        }
        long n = Long.parseLong(m.group(1));
        if (n < min || n > max) {
            throw invalid(key, value, "a number from " + min + " to " + max);
        }
        return (int) n;
    }

    /** A size as {@link #size} reads it, in the largest unit that holds it exactly. */
    static String formatSize(long bytes) {
        String[] units = {"g", "m", "k"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** A duration as {@link #duration} reads it, in the largest unit that holds it exactly. */
    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static Matcher match(String key, String value) throws InvalidManifestException {
        Matcher m = NUMBER_UNIT.matcher(value.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw invalid(key, value, "a number with an optional unit");
        }
        return m;
    }

    private static InvalidManifestException invalid(String key, String value, String expected) {
        return new InvalidManifestException("Cordon-Domain: " + key + "=" + value + " is not " + expected);
    }
}
