package dev.cordon.isolation.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceParserTest {

    @Test
    void servicesWithSymbolsAndDirectives_AreRead() throws Exception {
        List<ServiceDeclaration> s = ServiceParser.parse(
                "com.example.Zip;stateless:=true;deflate=zc_deflate, com.example.Other");
        assertEquals(2, s.size());
        assertEquals("com.example.Zip", s.get(0).interfaceName());
        assertTrue(s.get(0).stateless());
        assertEquals("zc_deflate", s.get(0).symbolFor("deflate"));
        assertEquals("inflate", s.get(0).symbolFor("inflate"), "unmapped methods bind to their own name");
        assertFalse(s.get(1).stateless());
    }

    @Test
    void typedAttributes_KeepTheirValue() throws Exception {
        assertEquals("zc_x", ServiceParser.parse("a.B;x:String=zc_x").get(0).symbolFor("x"));
    }

    @Test
    void nonSymbols_AndUnknownDirectives_AreRefused() {
        assertThrows(InvalidManifestException.class, () -> ServiceParser.parse("a.B;m=\"not a symbol\""));
        assertThrows(InvalidManifestException.class, () -> ServiceParser.parse("a.B;lazy:=true"));
        assertThrows(InvalidManifestException.class, () -> ServiceParser.parse("a.B;stateless:=maybe"));
        assertThrows(InvalidManifestException.class, () -> ServiceParser.parse("1nterface"));
        assertThrows(InvalidManifestException.class, () -> ServiceParser.parse("a.B;;"));
        assertThrows(InvalidManifestException.class, () -> ServiceParser.parse("a.B,"));
    }
}
