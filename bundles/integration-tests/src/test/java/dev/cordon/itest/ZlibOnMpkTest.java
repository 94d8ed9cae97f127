package dev.cordon.itest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The zlib suite on the mpk backend (or uswitch, see {@link MpkMachine#backend}):
 * the bundle as built (auto), which picks it where run-in-vm leaves process
 * out of the enabled backends. Only on
 * machines with PKU: `./cordon test` runs it in the PKU test VM; elsewhere it is
 * skipped, not passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NeedsMpk.class)
class ZlibOnMpkTest extends ZlibSuite {
    @Override
    String backend() {
        return MpkMachine.backend();
    }

    @BeforeAll
    @Override
    void start() throws Exception {
        if (MpkMachine.present()) { // elsewhere each test is skipped with the reason (NeedsMpk)
            super.start();
        }
    }
}
