package dev.cordon.isolation.internal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private final BackendSelector onPkuMachine = new BackendSelector(List.of(
            new Fake(BackendChoice.USWITCH, null),
            new Fake(BackendChoice.MPK, null),
            new Fake(BackendChoice.PROCESS, null),
            new Fake(BackendChoice.INPROCESS, null)));

    @Test
    void auto_PicksProcess_WhereverItRuns_EvenWithPku() throws Exception {
        assertEquals(BackendChoice.PROCESS, onStockMachine.select(BackendChoice.AUTO).kind());
        assertEquals(BackendChoice.PROCESS, onPkuMachine.select(BackendChoice.AUTO).kind());
    }

    @Test
    void auto_TakesUswitchThenMpk_OnlyWhereTheAdministratorLeftProcessOut() throws Exception {
        BackendSelector uswitchPass = new BackendSelector(List.of(new Fake(BackendChoice.USWITCH, null),
                new Fake(BackendChoice.MPK, null), new Fake(BackendChoice.INPROCESS, null)));
        assertEquals(BackendChoice.USWITCH, uswitchPass.select(BackendChoice.AUTO).kind());
        BackendSelector mpkPass = new BackendSelector(List.of(new Fake(BackendChoice.MPK, null),
                new Fake(BackendChoice.INPROCESS, null)));
        assertEquals(BackendChoice.MPK, mpkPass.select(BackendChoice.AUTO).kind());
        BackendSelector processCannotRun = new BackendSelector(List.of(new Fake(BackendChoice.PROCESS, "no host"),
                new Fake(BackendChoice.MPK, null)));
        assertEquals(BackendChoice.MPK, processCannotRun.select(BackendChoice.AUTO).kind());
    }

    @Test
    void process_IsNeverRaised_ToMpkOrUswitch() throws Exception {
        assertEquals(BackendChoice.PROCESS, onPkuMachine.select(BackendChoice.PROCESS).kind());
        BackendSelector processDisabled = new BackendSelector(List.of(new Fake(BackendChoice.USWITCH, null),
                new Fake(BackendChoice.MPK, null)));
        DomainStartException e = assertThrows(DomainStartException.class,
                () -> processDisabled.select(BackendChoice.PROCESS));
        assertEquals("backend process is not enabled here (enabled: uswitch, mpk)", e.getMessage());
    }

    @Test
    void aNamedBackend_IsTheOneUsed() throws Exception {
        assertEquals(BackendChoice.MPK, onPkuMachine.select(BackendChoice.MPK).kind());
        assertEquals(BackendChoice.USWITCH, onPkuMachine.select(BackendChoice.USWITCH).kind());
    }

    @Test
    void aNamedBackendThatCannotRun_IsRefused_WithTheReason() {
        DomainStartException e = assertThrows(DomainStartException.class,
                () -> onStockMachine.select(BackendChoice.MPK));
        assertEquals("mpk cannot run here: no PKU", e.getMessage());
    }

    @Test
    void auto_WithNothingToRun_IsRefused_WithEveryReason() {
        BackendSelector nothing = new BackendSelector(List.of(new Fake(BackendChoice.MPK, "no PKU"),
                new Fake(BackendChoice.INPROCESS, null)));
        DomainStartException e = assertThrows(DomainStartException.class, () -> nothing.select(BackendChoice.AUTO));
        assertEquals("backend auto: none of process, uswitch, mpk can run here; process: not enabled;"
                + " uswitch: not enabled; mpk: no PKU", e.getMessage());
    }

    @Test
    void inprocess_OnlyWhenNamed() throws Exception {
        assertEquals(BackendChoice.INPROCESS, onStockMachine.select(BackendChoice.INPROCESS).kind());
        BackendSelector onlyInprocess = new BackendSelector(List.of(new Fake(BackendChoice.INPROCESS, null)));
        assertThrows(DomainStartException.class, () -> onlyInprocess.select(BackendChoice.AUTO));
    }

    @Test
    void everyIsolatingBackend_SaysWhatItContainsAndWhatNot() {
        for (BackendChoice kind : BackendChoice.AUTO_ORDER) {
            assertFalse(kind.contains().isBlank(), kind.label());
            assertFalse(kind.doesNotContain().isBlank(), kind.label());
        }
        assertTrue(BackendChoice.MPK.doesNotContain().contains("code written to attack it"));
        assertTrue(BackendChoice.USWITCH.doesNotContain().contains("code written to attack it"));
        assertTrue(BackendChoice.PROCESS.contains().contains("code written to attack it"));
    }
}
