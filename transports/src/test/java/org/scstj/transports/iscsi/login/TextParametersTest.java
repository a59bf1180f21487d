package org.scstj.transports.iscsi.login;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class TextParametersTest {
    private static TextParameters.Parsed parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return TextParameters.parse(b, b.length);
    }

    @Test
    void nulSeparatedPairs_parseInOrder() {
        var pairs = assertInstanceOf(TextParameters.Pairs.class, parse("InitiatorName=iqn.x\0SessionType=Normal\0"));
        assertEquals(Map.of("InitiatorName", "iqn.x", "SessionType", "Normal"), pairs.values());
        assertEquals("InitiatorName", pairs.values().keySet().iterator().next());
    }

    @Test
    void trailingPaddingNuls_andEmptyValues_areAccepted() {
        var pairs = assertInstanceOf(TextParameters.Pairs.class, parse("A=\0\0\0"));
        assertEquals(Map.of("A", ""), pairs.values());
    }

    @Test
    void missingFinalNul_isMalformed() {
        assertInstanceOf(TextParameters.Malformed.class, parse("A=1\0B=2"));
    }

    @Test
    void duplicateKey_isMalformed() {
        assertInstanceOf(TextParameters.Malformed.class, parse("A=1\0A=2\0"));
    }

    @Test
    void keyOf63Characters_isAccepted_64_isNot() {
        assertInstanceOf(TextParameters.Pairs.class, parse("K".repeat(63) + "=v\0"));
        assertInstanceOf(TextParameters.Malformed.class, parse("K".repeat(64) + "=v\0"));
    }

    @Test
    void valueOf255Bytes_isAccepted_256_isNot() {
        assertInstanceOf(TextParameters.Pairs.class, parse("K=" + "v".repeat(255) + "\0"));
        assertInstanceOf(TextParameters.Malformed.class, parse("K=" + "v".repeat(256) + "\0"));
    }

    @Test
    void pairWithoutEquals_orEmptyKey_orBadKeyCharacter_isMalformed() {
        assertInstanceOf(TextParameters.Malformed.class, parse("Key\0"));
        assertInstanceOf(TextParameters.Malformed.class, parse("=v\0"));
        assertInstanceOf(TextParameters.Malformed.class, parse("K y=v\0"));
    }

    @Test
    void valueThatIsNotUtf8_isMalformed_multibyteUtf8IsKept() { // found by TextFuzzTest#parse
        byte[] bad = {'W', '=', (byte) 0xff, (byte) 0xfe, 0};
        assertInstanceOf(TextParameters.Malformed.class, TextParameters.parse(bad, bad.length));
        var pairs = assertInstanceOf(TextParameters.Pairs.class, parse("InitiatorAlias=h\u00f4te\0"));
        assertEquals("h\u00f4te", pairs.values().get("InitiatorAlias"));
    }

    @Test
    void format_writesNulTerminatedPairs() {
        var m = new java.util.LinkedHashMap<String, String>();
        m.put("A", "1");
        m.put("B", "Yes");
        assertEquals("A=1\0B=Yes\0", new String(TextParameters.format(m), StandardCharsets.UTF_8));
    }
}
