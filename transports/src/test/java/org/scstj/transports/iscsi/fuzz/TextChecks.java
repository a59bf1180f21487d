package org.scstj.transports.iscsi.fuzz;

import org.scstj.transports.iscsi.login.TextParameters;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every text the target sends must be (RFC 7143 6.1): NUL-terminated key=value pairs within the length limits. */
final class TextChecks {
    private TextChecks() {
    }

    static Map<String, String> wellFormed(byte[] text) {
        if (text.length > 0) {
            assertEquals(0, text[text.length - 1], "answer text not NUL-terminated");
        }
        var pairs = assertInstanceOf(TextParameters.Pairs.class, TextParameters.parse(text, text.length),
                () -> "malformed answer: " + new String(text, StandardCharsets.UTF_8).replace('\0', '|'));
        for (var e : pairs.values().entrySet()) {
            int keyBytes = e.getKey().getBytes(StandardCharsets.UTF_8).length;
            int valueBytes = e.getValue().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(keyBytes >= 1 && keyBytes <= TextParameters.MAX_KEY_LENGTH, "key length " + keyBytes);
            assertTrue(valueBytes <= TextParameters.MAX_VALUE_LENGTH || e.getKey().startsWith("CHAP_"),
                    "value of " + e.getKey() + " is " + valueBytes + " bytes");
        }
        return pairs.values();
    }
}
