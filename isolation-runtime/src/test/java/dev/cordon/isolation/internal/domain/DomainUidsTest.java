package dev.cordon.isolation.internal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cordon.isolation.internal.backend.DomainStartException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DomainUidsTest {
    @Test
    void unsetOrBlank_MeansTheJvmsUid() {
        assertNull(DomainUids.parse(null));
        assertNull(DomainUids.parse(" "));
    }

    @Test
    void unset_ForARootJvm_IsNobody_ForEveryDomain() throws Exception {
        DomainUids uids = DomainUids.forJvm(null, 0);
        assertEquals(DomainUids.NOBODY, uids);
        assertEquals(65534, uids.uidOf("a [3]", 3));
        assertEquals(65534, uids.uidOf("b [900000]", 900000));
        assertEquals(DomainUids.NOBODY, DomainUids.forJvm(" ", 0));
    }

    @Test
    void unset_ForAnyOtherJvm_IsTheJvmsUid_AndASetRangeWinsForRoot() {
        assertNull(DomainUids.forJvm(null, 1000));
        assertNull(DomainUids.forJvm(null, -1));
        assertEquals(new DomainUids(100000, 165535), DomainUids.forJvm("100000-165535", 0));
        assertThrows(IllegalArgumentException.class, () -> DomainUids.forJvm("0-10", 0));
    }

    @Test
    void aRange_GivesFirstPlusTheBundleId() throws Exception {
        DomainUids uids = DomainUids.parse(" 100000 - 165535 ");
        assertEquals(new DomainUids(100000, 165535), uids);
        assertEquals(100007, uids.uidOf("b [7]", 7));
        assertEquals(165535, uids.uidOf("b", 65535));
        assertEquals(4294967294L, DomainUids.parse("1-4294967294").uidOf("b", 4294967293L));
    }

    @Test
    void aBundleIdPastTheRange_FailsThatDomain_WithTheRange() {
        DomainUids uids = DomainUids.parse("5000-5009");
        DomainStartException e = assertThrows(DomainStartException.class, () -> uids.uidOf("b [10]", 10));
        assertTrue(e.getMessage().startsWith("b [10]: bundle id 10 is past dev.cordon.uswitch.uids=5000-5009")
                && e.getMessage().contains("0 to 9"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "1000-", "-1000", "a-b", "1000-2000,3000", "-5-10", "+5-10", "0x10-0x20",
        "0-1000", "0-0", "2000-1000", "1-4294967295", "1-99999999999", "99999999999-99999999999"})
    void aBadValue_IsAClearError_NamingTheProperty(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DomainUids.parse(value));
        assertTrue(e.getMessage().startsWith(DomainUids.PROPERTY), e.getMessage());
    }
}
