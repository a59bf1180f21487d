package org.scstj.transports.iscsi.gateway;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewaySettingsTest {

    private static List<String> problems(String hocon) {
        List<String> problems = new ArrayList<>();
        GatewaySettings.read("gw0", ConfigFactory.parseString(hocon), problems);
        return problems;
    }

    @Test
    void read_takesTheDefaults_andDerivesAnInitiatorName() {
        List<String> problems = new ArrayList<>();
        GatewaySettings s = GatewaySettings.read("Gw_0", ConfigFactory.parseString(
                "portal = \"127.0.0.1:3261\", target = \"iqn.2001-04.com.example:d\""), problems);
        assertEquals(List.of(), problems);
        assertEquals(3261, s.portal().getPort());
        assertEquals(0, s.lun());
        assertEquals(-1, s.type());
        assertEquals(Duration.ofSeconds(60), s.timeout());
        assertEquals(1 << 20, s.maxTransfer());
        assertTrue(s.initiatorName().matches("iqn\\.2026-11\\.org\\.scstj:[a-z0-9.-]+:gw\\.gw-0"), s.initiatorName());
    }

    @Test
    void read_portWithoutAPort_isTheWellKnownOne_andIpv6TakesBrackets() {
        List<String> problems = new ArrayList<>();
        GatewaySettings s = GatewaySettings.read("g", ConfigFactory.parseString(
                "portal = \"[::1]\", target = \"iqn.2001-04.com.example:d\", type = tape, chap { user = u,"
                        + " secret = \"twelve-chars!\" }"), problems);
        assertEquals(List.of(), problems);
        assertEquals(3260, s.portal().getPort());
        assertEquals("::1", s.portal().getHostString());
        assertEquals(0x01, s.type());
        assertEquals("u", s.chapUser());
    }

    @Test
    void read_reportsEachBadKey() {
        List<String> p = problems("portal = \"host:0\", target = \"disk1\", lun = 99999, type = floppy,"
                + " reconnect-min = 5s, reconnect-max = 1s, chap { user = u, secret = short }, colour = red");
        String all = String.join("\n", p);
        for (String key : List.of("portal:", "target:", "lun:", "type:", "reconnect-max:", "chap.secret:", "colour:")) {
            assertTrue(all.contains(key), key + " in\n" + all);
        }
    }

    @Test
    void read_ipv6WithoutBrackets_isRefused() {
        String all = String.join("\n", problems("portal = \"::1:3260\", target = \"iqn.2001-04.com.example:d\""));
        assertTrue(all.contains("portal: expected host:port"), all);
    }

    @Test
    void read_portalAndTargetAreRequired() {
        String all = String.join("\n", problems("lun = 1"));
        assertTrue(all.contains("portal: required") && all.contains("target: required"), all);
    }
}
