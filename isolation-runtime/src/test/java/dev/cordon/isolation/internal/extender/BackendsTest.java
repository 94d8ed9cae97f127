package dev.cordon.isolation.internal.extender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void unsetOrBlank_EnablesAll() {
        assertNull(Backends.enabledNames(null));
        assertNull(Backends.enabledNames(" "));
    }

    @Test
    void theNamedBackends_Trimmed() {
        assertEquals(Set.of("mpk", "inprocess"), Backends.enabledNames("mpk, inprocess"));
    }

    @Test
    void anUnknownName_IsAnError_NotASilentlyMissingBackend() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.enabledNames("process,mkp"));
        assertEquals("dev.cordon.backends: unknown backend 'mkp' (known: uswitch, mpk, process, inprocess)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.enabledNames("auto"));
    }
}
