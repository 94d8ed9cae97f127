package dev.cordon.isolation.internal.backend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.internal.policy.BackendChoice;
import org.junit.jupiter.api.Test;

class UnverifiedImagesTest {
    @Test
    void unset_AllowsNeitherMpkNorUswitch() {
        for (String value : new String[] {null, "", "  "}) {
            UnverifiedImages u = UnverifiedImages.parse(value);
            assertFalse(u.allowedOn(BackendChoice.MPK));
            assertFalse(u.allowedOn(BackendChoice.USWITCH));
        }
        assertFalse(UnverifiedImages.none().allowedOn(BackendChoice.MPK));
    }

    @Test
    void namedBackends_AreAllowed_OthersNot() {
        UnverifiedImages u = UnverifiedImages.parse(" mpk ");
        assertTrue(u.allowedOn(BackendChoice.MPK));
        assertFalse(u.allowedOn(BackendChoice.USWITCH));
        assertTrue(UnverifiedImages.parse("mpk,uswitch").allowedOn(BackendChoice.USWITCH));
    }

    @Test
    void anyOtherName_IsRefused_WithTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnverifiedImages.parse("mpk,uswich"));
        assertTrue(e.getMessage().contains("dev.cordon.unverified") && e.getMessage().contains("uswich"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnverifiedImages.parse("true"));
        assertThrows(IllegalArgumentException.class, () -> UnverifiedImages.parse("process"));
    }
}
