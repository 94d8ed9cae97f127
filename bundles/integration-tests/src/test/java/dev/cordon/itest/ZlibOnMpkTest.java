package dev.cordon.itest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The zlib suite on the mpk backend (or uswitch, see {@link MpkMachine#backend}):
 * the bundle as built (auto), which picks it where run-in-vm leaves process
 * out of the enabled backends. Only on
 * machines with PKU: `./cordon test` runs it in the PKU test VM; elsewhere it is
 * skipped, not passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZlibOnMpkTest extends ZlibSuite {
    @Override
    String backend() {
        return MpkMachine.backend();
    }

    @BeforeAll
    @Override
    void start() throws Exception {
        Assumptions.assumeTrue(MpkMachine.present(), "this machine cannot run mpk domains: " + MpkMachine.lacking());
        super.start();
    }
}
