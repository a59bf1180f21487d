package org.scstj.mgmt;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The iSCSI driver reads portal groups and redirects once: a reload that changes them is refused. */
class ReloadPortalGroupsTest {
    private static ScstjConfig load(String target) throws Exception {
        String text = """
                scstj {
                  handlers.vdisk_nullio { n { size = 1G }, m { size = 1G } }
                  target-drivers.iscsi {
                    portal-groups { one { tag = 1, portals = ["127.0.0.1:3261"] }, two { tag = 2, portals = ["127.0.0.2:3262"] } }
                    targets { "iqn.2026-11.org.scstj:a" { %s } }
                  }
                }
                """.formatted(target);
        return new ConfigLoader(ConfigLoader.installedHandlers()).load("reload.conf", text, ConfigFactory.empty());
    }

    @Test
    void changedPortalGroupsOrRedirectOfATarget_needRestart_changedLunsDoNot() throws Exception {
        ScstjConfig running = load("portal-groups = [one], luns { 0 = n }");
        assertEquals(java.util.List.of(), Reload.needsRestart(running, load("portal-groups = [one], luns { 0 = m }")));
        assertFalse(Reload.needsRestart(running, load("portal-groups = [one, two], luns { 0 = n }")).isEmpty());
        assertFalse(Reload.needsRestart(running, load("luns { 0 = n }")).isEmpty());
        assertFalse(Reload.needsRestart(running,
                load("portal-groups = [one], redirect { to = \"127.0.0.1:3261\" }, luns { 0 = n }")).isEmpty());
    }
}
