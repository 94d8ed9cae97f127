package dev.cordon.itest;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips each test of a class where this machine cannot run mpk domains, with
 * the reason. Each test, not the class: Surefire reports a class skipped in
 * its {@code @BeforeAll} as no tests at all, which would hide the skip. The
 * class's {@code @BeforeAll} still runs, so it must return early when
 * {@link MpkMachine#present()} is false.
 */
final class NeedsMpk implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty() || MpkMachine.present()) {
            return ConditionEvaluationResult.enabled("mpk domains can run here");
        }
        return ConditionEvaluationResult.disabled("this machine cannot run mpk domains: " + MpkMachine.lacking());
    }
}
