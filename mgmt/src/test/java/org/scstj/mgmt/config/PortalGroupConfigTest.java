package org.scstj.mgmt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Portal groups (RFC 7143 4.4.1) and login redirection (6.2) in a daemon configuration file. */
class PortalGroupConfigTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    private String file(String portals, String targetA) {
        return """
                scstj {
                  state-dir = "%s"
                  handlers.vdisk_nullio { n { size = 1G } }
                  target-drivers.iscsi {
                %s
                    targets {
                      "iqn.2026-11.org.scstj:a" {
                %s
                        luns { 0 = n }
                      }
                      "iqn.2026-11.org.scstj:b" { luns { 0 = n } }
                    }
                  }
                }
                """.formatted(dir.resolve("state"), portals, targetA);
    }

    private static final String GROUPS = """
                portal-groups {
                  east { tag = 1, portals = ["127.0.0.1:3261"] }
                  west { tag = 2, portals = ["[::1]:3262", "127.0.0.2:3262"] }
                }
            """;

    private ScstjConfig load(String text) throws Exception {
        Path f = dir.resolve("scstj.conf");
        Files.writeString(f, text);
        return loader.load(f);
    }

    private String refused(String text) throws IOException {
        Path f = dir.resolve("scstj.conf");
        Files.writeString(f, text);
        return assertThrows(InvalidConfigException.class, () -> loader.load(f)).getMessage();
    }

    @Test
    void portalGroups_andATargetsGroupsAndRedirect_areAccepted() throws Exception {
        ScstjConfig c = load(file(GROUPS, "portal-groups = [east], redirect { to = \"127.0.0.1:3261\", permanent = false }"));
        assertEquals(List.of(new Portal("127.0.0.1", 3261), new Portal("::1", 3262), new Portal("127.0.0.2", 3262)),
                c.portals());
        IscsiSettings s = IscsiSettings.from(c.iscsi());
        assertEquals(List.of(1), s.groupsOf("iqn.2026-11.org.scstj:a").stream().map(IscsiSettings.PortalGroup::tag).toList());
        assertEquals(2, s.groupsOf("iqn.2026-11.org.scstj:b").size());
        assertEquals(new IscsiSettings.Redirect("127.0.0.1:3261,1", false), s.redirectOf("iqn.2026-11.org.scstj:a"));
    }

    @Test
    void targetNamingAnUnknownGroup_isRefusedWithFileAndLine() throws Exception {
        String text = file(GROUPS, "        portal-groups = [north]");
        String m = refused(text);
        int line = List.of(text.split("\n")).indexOf("        portal-groups = [north]") + 1;
        assertTrue(m.contains("scstj.conf:" + line) && m.contains("unknown portal group north"), m);
    }

    @Test
    void duplicateTag_isRefusedWithTheLine() throws Exception {
        String text = file("""
                portal-groups {
                  east { tag = 1, portals = ["127.0.0.1:3261"] }
                  west { tag = 1, portals = ["127.0.0.2:3262"] }
                }
                """, "");
        String m = refused(text);
        assertTrue(m.contains("same tag 1"), m);
        assertTrue(m.contains("scstj.conf:7") || m.contains("scstj.conf:6"), m);
    }

    @Test
    void misspeltKeys_inGroupsAndRedirects_areRefused() throws Exception {
        assertTrue(refused(file("portal-groups { east { tag = 1, portal = [\"127.0.0.1:3261\"] } }", ""))
                .contains("unknown key"));
        assertTrue(refused(file(GROUPS, "redirect { to = \"127.0.0.1:3261\", permament = true }")).contains("unknown key"));
        assertTrue(refused(file(GROUPS, "portal-group = [east]")).contains("unknown key"));
    }

    @Test
    void legacyPortals_stillWork() throws Exception {
        ScstjConfig c = load(file("portals = [\"127.0.0.1:3263\"]\nportal-group-tag = 5", ""));
        assertEquals(List.of(new Portal("127.0.0.1", 3263)), c.portals());
        assertEquals(5, IscsiSettings.from(c.iscsi()).portalGroups().getFirst().tag());
    }

    @Test
    void aTargetOnSeveralGroups_hasOneRelativeTargetPortPerGroup_inFileThenTagOrder() throws Exception {
        ScstjConfig c = load(file(GROUPS, "portal-groups = [east]"));
        var targets = c.engine().targets();
        assertEquals(1, targets.get(0).relativeTargetPortId(1)); // a: east only
        assertEquals(List.of(2, 3), List.of(targets.get(1).relativeTargetPortId(1), targets.get(1).relativeTargetPortId(2)));
        ScstjConfig legacy = load(file("portals = [\"127.0.0.1:3263\"]", ""));
        assertEquals(List.of(1, 2), legacy.engine().targets().stream().map(t -> t.relativeTargetPortId(1)).toList());
    }
}
