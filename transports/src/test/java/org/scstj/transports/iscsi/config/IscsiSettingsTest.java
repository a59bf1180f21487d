package org.scstj.transports.iscsi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

class IscsiSettingsTest {
    @Test
    void referenceDefaults_areRead() {
        IscsiSettings s = IscsiSettings.from(ConfigFactory.empty());
        assertEquals(List.of(new IscsiSettings.Portal("127.0.0.1", 3260)), s.portals());
        assertEquals(1, s.portalGroups().getFirst().tag());
        assertEquals(128, s.maxCmdWindow());
        assertEquals(Duration.ofSeconds(15), s.loginTimeout());
        assertEquals(262144, s.negotiation().maxRecvDataSegmentLength());
        assertFalse(s.negotiation().initialR2T());
        assertTrue(s.negotiation().immediateData());
        assertEquals(List.of("None", "CRC32C"), s.negotiation().headerDigest());
    }

    @Test
    void fullPath_andIpv6Portals_areAccepted() {
        IscsiSettings s = IscsiSettings.from(ConfigFactory.parseString(
                "scstj.target-drivers.iscsi { portals = [\"[::1]:3261\", \"0.0.0.0:3260\"], portal-group-tag = 7 }"));
        assertEquals(new IscsiSettings.Portal("::1", 3261), s.portals().get(0));
        assertEquals("[::1]:3261", s.portals().get(0).toString());
        assertEquals(7, s.portalGroups().getFirst().tag());
    }

    @Test
    void badValues_nameTheirKey() {
        var e = assertThrows(ConfigException.class,
                () -> IscsiSettings.from(ConfigFactory.parseString("negotiation.max-burst-length = 100")));
        assertTrue(e.getMessage().contains("max-burst-length"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> IscsiSettings.from(ConfigFactory.parseString("portals = [\"nohost\"]")));
        assertTrue(e.getMessage().contains("portals"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> IscsiSettings.from(ConfigFactory.parseString("negotiation.header-digest = [MD5]")));
        assertTrue(e.getMessage().contains("header-digest"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> IscsiSettings.from(ConfigFactory.parseString("negotiation.error-recovery-level = 3")));
        assertTrue(e.getMessage().contains("error-recovery-level"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> IscsiSettings.from(ConfigFactory.parseString("negotiation.max-connections = 65")));
        assertTrue(e.getMessage().contains("max-connections"), e.getMessage());
    }
    @Test
    void recoveryKeys_haveDefaults_andAreChecked() {
        IscsiSettings s = IscsiSettings.from(ConfigFactory.empty());
        assertEquals(0, s.negotiation().errorRecoveryLevel());
        assertEquals(64L << 20, s.recovery().maxRetainedBytes());
        assertEquals(Duration.ofSeconds(30), s.recovery().nopInInterval());
        assertEquals(Duration.ofSeconds(90), s.recovery().nopInTimeout());
        assertEquals(Duration.ofSeconds(2), s.recovery().logoutGrace());
        assertEquals(1, IscsiSettings.from(ConfigFactory.parseString("negotiation.error-recovery-level = 1"))
                .negotiation().errorRecoveryLevel());
        var e = assertThrows(ConfigException.class, () -> IscsiSettings.from(ConfigFactory.parseString(
                "nop-in-interval = 5s\nnop-in-timeout = 0s")));
        assertTrue(e.getMessage().contains("nop-in-timeout"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> IscsiSettings.from(ConfigFactory.parseString("logout-grace = -1s")));
        assertTrue(e.getMessage().contains("logout-grace"), e.getMessage());
    }
}
