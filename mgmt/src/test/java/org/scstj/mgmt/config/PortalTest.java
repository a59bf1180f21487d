package org.scstj.mgmt.config;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PortalTest {

    @Test
    void parsesHostPort_andBracketedIpv6() {
        assertEquals(Optional.of(new Portal("0.0.0.0", 3260)), Portal.parse("0.0.0.0:3260"));
        assertEquals(Optional.of(new Portal("storage.example.org", 860)), Portal.parse("storage.example.org:860"));
        assertEquals(Optional.of(new Portal("::1", 3260)), Portal.parse("[::1]:3260"));
        assertEquals("[::1]:3260", new Portal("::1", 3260).toString());
    }

    @Test
    void refusesWhatIsNotHostPort() {
        for (String bad : new String[]{"", "3260", "host", "host:", ":3260", "::1:3260", "h:0", "h:65536", "h:32x", "[::1]"}) {
            assertEquals(Optional.empty(), Portal.parse(bad), bad);
        }
    }

    @Test
    void wildcards_connectThroughLoopback() {
        assertEquals("127.0.0.1:3260", new Portal("0.0.0.0", 3260).connectAddress());
        assertEquals("[::1]:3260", new Portal("::", 3260).connectAddress());
        assertEquals("10.0.0.5:3260", new Portal("10.0.0.5", 3260).connectAddress());
    }
}
