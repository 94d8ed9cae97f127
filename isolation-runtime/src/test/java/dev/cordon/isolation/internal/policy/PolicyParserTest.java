package dev.cordon.isolation.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {

    @Test
    void fullPolicy_IsRead() throws Exception {
        Policy p = PolicyParser.parse("native/zlib.so;backend=process;memory=256m;arena=512k;deadline=1500ms;"
                + "threads=8;restart=never;max-restarts=3;files=data");
        assertEquals("native/zlib.so", p.image());
        assertEquals(BackendChoice.PROCESS, p.backend());
        assertEquals(256L << 20, p.memoryBytes());
        assertEquals(512L << 10, p.arenaBytes());
        assertEquals(Duration.ofMillis(1500), p.deadline());
        assertEquals(8, p.threads());
        assertEquals(RestartPolicy.NEVER, p.restart());
        assertEquals(3, p.maxRestarts());
        assertTrue(p.files());
        assertTrue(p.allSyscalls(), "every syscall group unless the policy narrows it");
    }

    @Test
    void syscalls_NarrowTheGroups() throws Exception {
        assertEquals(java.util.Set.of("io", "time"), PolicyParser.parse("x.so;syscalls=\"time, io\"").syscalls());
        assertEquals(java.util.Set.of(), PolicyParser.parse("x.so;syscalls=none").syscalls());
        assertFalse(PolicyParser.parse("x.so;syscalls=memory").allSyscalls());
    }

    @Test
    void defaults_AreSafe() throws Exception {
        Policy p = PolicyParser.parse("native/x.so");
        assertEquals(BackendChoice.AUTO, p.backend());
        assertEquals(1, p.threads());
        assertFalse(p.files(), "no file access unless asked for");
        assertEquals(Duration.ofSeconds(5), p.deadline());
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "native/x.so;memory=lots | memory=lots is not a number with an optional unit",
        "native/x.so;memory=1k | memory must be between",
        "native/x.so;memory=99999999999999g | memory=99999999999999g is not a number",
        "native/x.so;memroy=64m | unknown key 'memroy'",
        "native/x.so;backend=magic | unknown backend 'magic'",
        "native/x.so;threads=0 | threads=0 is not a number from 1 to 64",
        "native/x.so;threads=65 | threads=65 is not a number from 1 to 64",
        "native/x.so;deadline=0s | deadline must be longer than zero",
        "native/x.so;deadline=5 | not a duration",
        "native/x.so;restart=sometimes | restart=sometimes is not always or never",
        "native/x.so;files=/etc | files=/etc is not 'data'",
        "/abs/x.so | must be relative",
        "../x.so | must be relative",
        "a.so, b.so | exactly one domain per bundle",
        "native/x.so;memory=1m;memory=2m | 'memory' given twice",
        "native/x.so;memory | has no value",
        "native/x.so;backend=\"process | unterminated quoted string",
        "native/x.so;strict:=true | unknown directive 'strict'",
        "native/x.so;syscalls=sockets | syscalls: unknown group 'sockets'",
        "native/x.so;syscalls=\"io,\" | syscalls: unknown group ''",
    })
    void badHeader_IsRefused_WithAMessageNamingTheFault(String header, String message) {
        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> PolicyParser.parse(header));
        assertTrue(e.getMessage().startsWith("Cordon-Domain: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void emptyHeader_IsRefused() {
        assertThrows(InvalidManifestException.class, () -> PolicyParser.parse("  "));
    }
}
