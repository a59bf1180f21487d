package org.scstj.mgmt;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reload must not look applied while the driver keeps old CHAP credentials (RFC 7143 12.1.3). */
class ReloadAuthTest {
    @TempDir
    Path dir;

    private ScstjConfig load(String targetAuth, String groupAuth, int lun) throws Exception {
        String text = """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_nullio { null0 { size = 1G } } }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]
                    targets { "iqn.2026-11.org.scstj:t" {
                      luns { %d = null0 }
                      %s
                      groups { g { initiators = ["iqn.x:*"], luns { 0 = null0 }, %s } }
                    } }
                  }
                }
                """.formatted(dir.resolve("state"), lun, targetAuth, groupAuth);
        return new ConfigLoader(ConfigLoader.installedHandlers()).load("test.conf", text, ConfigFactory.empty());
    }

    private static final String AUTH_A = "auth { chap { user = u, secret = \"secret-number-1\" } }";
    private static final String AUTH_B = "auth { chap { user = u, secret = \"secret-number-2\" } }";

    @Test
    void changedCredentials_needARestart() throws Exception {
        List<String> target = Reload.needsRestart(load(AUTH_A, "", 0), load(AUTH_B, "", 0));
        assertEquals(1, target.size(), target.toString());
        assertTrue(target.get(0).contains("scstj.target-auth"));
        assertEquals(1, Reload.needsRestart(load("", AUTH_A, 0), load("", AUTH_B, 0)).size());
        assertEquals(1, Reload.needsRestart(load("", "", 0), load(AUTH_A, "", 0)).size());
    }

    @Test
    void unchangedCredentials_leaveMappingChangesReloadable() throws Exception {
        assertEquals(List.of(), Reload.needsRestart(load(AUTH_A, AUTH_B, 0), load(AUTH_A, AUTH_B, 1)));
    }
}
