package dev.cordon.isolation.internal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.internal.policy.BackendChoice;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendSelectorTest {
    record Fake(BackendChoice kind, String unavailableReason) implements Backend {
        @Override
        public Sandbox start(DomainSpec spec) {
            throw new UnsupportedOperationException();
        }
    }

    private final BackendSelector onStockMachine = new BackendSelector(List.of(
            new Fake(BackendChoice.INPROCESS, null),
            new Fake(BackendChoice.PROCESS, null),
            new Fake(BackendChoice.MPK, "no PKU"),
            new Fake(BackendChoice.USWITCH, "no PKU")));

    @Test
    void auto_PicksTheStrongestAvailable_NeverInprocess() throws Exception {
        assertEquals(BackendChoice.PROCESS, onStockMachine.select(BackendChoice.AUTO).kind());
        BackendSelector withMpk = new BackendSelector(List.of(new Fake(BackendChoice.INPROCESS, null),
                new Fake(BackendChoice.PROCESS, null), new Fake(BackendChoice.MPK, null)));
        assertEquals(BackendChoice.MPK, withMpk.select(BackendChoice.AUTO).kind());
    }

    @Test
    void aMinimumThatCannotBeMet_IsRefused_WithEveryReason() {
        DomainStartException e = assertThrows(DomainStartException.class,
                () -> onStockMachine.select(BackendChoice.MPK));
        assertTrue(e.getMessage().contains("mpk: no PKU") && e.getMessage().contains("uswitch: no PKU"),
                e.getMessage());
    }

    @Test
    void inprocess_OnlyWhenNamed() throws Exception {
        assertEquals(BackendChoice.INPROCESS, onStockMachine.select(BackendChoice.INPROCESS).kind());
        BackendSelector onlyInprocess = new BackendSelector(List.of(new Fake(BackendChoice.INPROCESS, null)));
        assertThrows(DomainStartException.class, () -> onlyInprocess.select(BackendChoice.AUTO));
    }
}
