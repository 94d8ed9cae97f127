package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * {@code ./cordon demo} as a user runs it: every line it promises, in order,
 * and a clean exit. Auto picks process wherever process runs, so that is the
 * backend in its table.
 */
class DemoSmokeTest {
    @Test
    void theDemo_AnswersCalls_ContainsOneCrash_AndPrintsTheDomains() throws Exception {
        try (Launcher demo = Launcher.start("dev.cordon.demo.Demo", Framework.bundles().toString())) {
            demo.awaitLine(l -> l.matches("zlib in its domain reports version 1\\.\\d+\\.\\d+.*"), "with zlib's version");
            demo.awaitLine(l -> l.matches("compressed 344000 bytes to \\d+ through the gate; round trip identical"),
                    "with an identical round trip");
            demo.awaitLine(l -> l.startsWith("hostile bundle reads a null pointer: dev.cordon.bundles.hostile:"
                    + " domain ended: native fault: SIGSEGV"), "with the contained crash");
            demo.awaitLine(l -> l.equals("after the restart the hostile domain answers echo(42) = 42"),
                    "with the restarted domain's answer");
            demo.awaitLine(l -> l.equals("and zlib kept working: crc32 = 0x" + Long.toHexString(demoTextCrc())),
                    "with zlib's crc32 of the demo's text");
            demo.awaitLine(l -> l.startsWith("ID   BUNDLE "), "with the domains table's header");
            assertRow(demo.awaitLine(l -> l.contains(" dev.cordon.bundles.hostile "), "for the hostile domain"),
                    "dev.cordon.bundles.hostile", "process", "ACTIVE", "1", "1");
            assertRow(demo.awaitLine(l -> l.contains(" dev.cordon.bundles.zlib "), "for the zlib domain"),
                    "dev.cordon.bundles.zlib", "process", "ACTIVE", "0", "0");
            assertEquals(0, demo.exitStatus(), "the demo's exit status");
        }
    }

    /** The text Demo compresses, as it builds it. */
    private static long demoTextCrc() {
        CRC32 crc = new CRC32();
        crc.update("Cordon puts native code in its own domain. ".repeat(8_000).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** A row of DomainTable: ID BUNDLE BACKEND STATE CALLS FAULTS RESTARTS MEMORY. */
    static void assertRow(String row, String bundle, String backend, String state, String faults, String restarts) {
        List<String> cells = List.of(row.trim().split("\\s+"));
        assertEquals(List.of(bundle, backend, state, faults, restarts),
                List.of(cells.get(1), cells.get(2), cells.get(3), cells.get(5), cells.get(6)), row);
    }
}
