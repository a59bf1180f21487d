package org.scstj.mgmt.admin;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad-inputs row 30: the admin API is not reachable from another machine by default. */
class AdminServerTest {
    @TempDir
    Path dir;

    static AdminServer.Settings settings(String admin) {
        return AdminServer.Settings.from(ConfigFactory.parseString("scstj.admin { " + admin + " }")
                .withFallback(ConfigFactory.defaultReference()));
    }

    @Test
    void theDefaultListensOnLoopbackOnly() {
        AdminServer.Settings s = settings("");
        assertEquals("127.0.0.1", s.listen().host());
        assertTrue(s.enabled());
        assertFalse(s.allowInsecureRemote());
    }

    @Test
    void aRemoteAddressWithoutTlsOrAcknowledgement_isRefusedBeforeAnythingListens() {
        IOException e = assertThrows(IOException.class, () -> AdminServer.start(null, null,
                settings("listen = \"0.0.0.0:0\""), dir));
        assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("admin")), "no token was even written");
    }

    @Test
    void aListenAddressThatIsNoAddress_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> settings("listen = \"nowhere\""));
    }
}
