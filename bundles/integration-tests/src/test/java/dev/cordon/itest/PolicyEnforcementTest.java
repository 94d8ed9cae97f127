package dev.cordon.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.bundles.hostile.Hostile;
import dev.cordon.demo.BundleVariant;
import dev.cordon.demo.CordonFramework;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** What a policy narrows is enforced by the sandbox, not just parsed. */
class PolicyEnforcementTest {
    /** uswitch domains here run as uid and gid FIRST_UID + bundle id; elsewhere the property is not applied. */
    private static final long FIRST_UID = 200000;
    private static CordonFramework osgi;

    @BeforeAll
    static void start() throws Exception {
        osgi = Framework.start("policy", Map.of("dev.cordon.uswitch.uids", FIRST_UID + "-" + (FIRST_UID + 65535)));
    }

    @AfterAll
    static void stop() throws Exception {
        osgi.close();
    }

    /** The hostile bundle under another name and policy; its Hostile service. */
    private static Hostile hostileWith(String name, String policy) throws Exception {
        Path jar = BundleVariant.of(Framework.bundles().resolve("dev.cordon.bundles.hostile.jar"),
                "dev.cordon.itest." + name, Map.of("Cordon-Domain", policy), "", bytes -> bytes);
        Bundle bundle = osgi.context().installBundle(jar.toUri().toString());
        bundle.start();
        var refs = osgi.context().getServiceReferences(Hostile.class, "(cordon.domain=dev.cordon.itest." + name + ")");
        assertEquals(1, refs.size(), "the variant registered its service");
        return osgi.context().getService(refs.iterator().next());
    }

    @Test
    void withheldSyscallGroup_FailsWithEperm_InThatDomainOnly() throws Exception {
        Hostile computeOnly = hostileWith("compute.only", "native/hostile.so;syscalls=\"time\"");
        assertEquals(-1, computeOnly.writeHighFd(), "write is withheld: EPERM, not EBADF");
        assertEquals(-9, osgi.service(Hostile.class, Duration.ofSeconds(30)).writeHighFd(),
                "the original bundle's domain still has write (EBADF: no such fd)");
    }

    @Test
    void filesData_OpensOnlyUnderTheDataDirectory() throws Exception {
        Hostile withFiles = hostileWith("with.files", "native/hostile.so;files=data");
        long r = withFiles.openPasswd(new byte[4096]);
        // process: Landlock refuses it (EACCES); mpk: the path is resolved beneath the
        // data directory, where there is no etc/passwd (ENOENT)
        assertTrue(r == -13 || r == -2, "/etc/passwd stays out of reach (EACCES or ENOENT), got " + r);
    }

    /** The variant's bundle; the test is skipped unless its domain runs on uswitch. */
    private static Bundle onUswitch(String name) {
        Bundle bundle = Arrays.stream(osgi.context().getBundles())
                .filter(b -> b.getSymbolicName().equals("dev.cordon.itest." + name)).findFirst().orElseThrow();
        String backend = (String) bundle.getRegisteredServices()[0].getProperty("cordon.backend");
        Assumptions.assumeTrue(backend.equals("uswitch"), "runs on " + backend + ", not uswitch");
        return bundle;
    }

    private static Path dataDir(Bundle bundle) {
        return bundle.getBundleContext().getDataFile("cordon-data").toPath();
    }

    /** uswitch: the domain's "/" is its data directory (its kernel context's root). */
    @Test
    void filesData_OnUswitch_SlashIsTheDataDirectory() throws Exception {
        Hostile rooted = hostileWith("rooted", "native/hostile.so;files=data");
        Path data = dataDir(onUswitch("rooted"));
        Files.createDirectories(data.resolve("etc"));
        Files.writeString(data.resolve("etc/passwd"), "the domain's own\n");
        byte[] out = new byte[4096];
        int n = rooted.openPasswd(out);
        assertTrue(n > 0, "/etc/passwd opens, got " + n);
        assertEquals("the domain's own\n", new String(out, 0, n, StandardCharsets.UTF_8),
                "/etc/passwd is the file under the data directory");
    }

    /** uswitch with dev.cordon.uswitch.uids: the domain's files belong to the uid the host gave it. */
    @Test
    void filesData_OnUswitch_FilesBelongToTheDomainsOwnUid() throws Exception {
        Hostile owner = hostileWith("owner", "native/hostile.so;files=data");
        Bundle bundle = onUswitch("owner");
        assertEquals(5, owner.createFile(), "the domain creates /created-by-domain");
        Path file = dataDir(bundle).resolve("created-by-domain");
        long uid = FIRST_UID + bundle.getBundleId();
        assertEquals(uid, ((Integer) Files.getAttribute(file, "unix:uid")).longValue(), "owner");
        assertEquals(uid, ((Integer) Files.getAttribute(file, "unix:gid")).longValue(), "group");
        assertEquals(uid, ((Integer) Files.getAttribute(dataDir(bundle), "unix:uid")).longValue(),
                "the data directory was given to the domain's uid");
    }

    @Test
    void singleThreadedDomain_SerialisesCalls() throws Exception {
        Hostile serial = hostileWith("serial", "native/hostile.so;threads=1;deadline=5s");
        long start = System.nanoTime();
        Thread other = Thread.ofPlatform().start(() -> serial.sleepMillis(300));
        serial.sleepMillis(300);
        other.join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 590, "two 300 ms calls in one thread take 600 ms, took " + millis);
    }
}
