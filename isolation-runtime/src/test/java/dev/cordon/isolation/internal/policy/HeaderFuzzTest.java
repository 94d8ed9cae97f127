package dev.cordon.isolation.internal.policy;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random headers built from the characters that matter to the syntax: the
 * parsers either accept them or refuse them with InvalidManifestException,
 * never anything else.
 */
class HeaderFuzzTest {
    private static final String ALPHABET = "abcmemorythreads=;:,\"  \\/.0123456789kmgs-_é\u0000\n";

    @Test
    void randomHeaders_OnlyEverFailWithInvalidManifestException() {
        Random random = new Random(20261122);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder header = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                header.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String text = random.nextBoolean() ? "native/x.so;" + header : header.toString();
            try {
                PolicyParser.parse(text);
            } catch (InvalidManifestException expected) {
                // refused with a reason: fine
            } catch (RuntimeException e) {
                fail("Cordon-Domain: \"" + text + "\" threw " + e, e);
            }
            try {
                ServiceParser.parse(text);
            } catch (InvalidManifestException expected) {
                // refused with a reason: fine
            } catch (RuntimeException e) {
                fail("Cordon-Service: \"" + text + "\" threw " + e, e);
            }
        }
    }
}
