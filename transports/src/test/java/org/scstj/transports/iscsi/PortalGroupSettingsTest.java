package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.util.List;

/** RFC 7143 4.4.1 portal groups and 6.2 redirection in the driver's configuration block. */
class PortalGroupSettingsTest {
    private static final String TWO_GROUPS = """
            portal-groups {
              front { tag = 1, portals = ["127.0.0.1:3261", "[::1]:3261"] }
              back  { tag = 2, portals = ["127.0.0.2:3262"] }
            }
            """;

    private static IscsiSettings read(String text) {
        return IscsiSettings.from(ConfigFactory.parseString(text));
    }

    private static String refused(String text) {
        return assertThrows(ConfigException.class, () -> read(text)).getMessage();
    }

    @Test
    void legacyPortalsAndTag_areOneDefaultGroup_reachingEveryTarget() {
        IscsiSettings s = read("portals = [\"127.0.0.1:3260\", \"[::1]:3260\"], portal-group-tag = 9");
        assertEquals(1, s.portalGroups().size());
        IscsiSettings.PortalGroup g = s.portalGroups().getFirst();
        assertEquals(9, g.tag());
        assertEquals(List.of(new IscsiSettings.Portal("127.0.0.1", 3260), new IscsiSettings.Portal("::1", 3260)), g.portals());
        assertEquals(List.of(g), s.groupsOf("iqn.any"));
    }

    @Test
    void groups_keepTheirTagsAndPortals_andTargetsNameTheirGroups() {
        IscsiSettings s = read(TWO_GROUPS + """
                targets { "iqn.2026-11.t:a" { portal-groups = [front] }, "iqn.2026-11.t:b" { luns {} } }
                """);
        assertEquals(List.of("front", "back"), s.portalGroups().stream().map(IscsiSettings.PortalGroup::name).toList());
        assertEquals(2, s.portalGroups().get(1).tag());
        assertEquals(3, s.portals().size());
        assertEquals(List.of(s.portalGroups().getFirst()), s.groupsOf("iqn.2026-11.t:a"));
        assertEquals(s.portalGroups(), s.groupsOf("iqn.2026-11.t:b"));
        assertNull(s.redirectOf("iqn.2026-11.t:a"));
    }

    @Test
    void redirects_takeTheTagOfOwnPortals_andKeepAGivenOne() {
        IscsiSettings s = read("""
                portal-groups {
                  old { tag = 3, portals = ["127.0.0.1:3263"], redirect { to = "127.0.0.2:3262", permanent = true } }
                  new { tag = 2, portals = ["127.0.0.2:3262"] }
                }
                targets {
                  "iqn.2026-11.t:gone" { portal-groups = [], redirect { to = "[2001:db8::5]:3260,7" } }
                  "iqn.2026-11.t:away" { portal-groups = [new], redirect { to = "192.0.2.1:3260" } }
                }
                """);
        assertEquals(List.of("new", "old"), s.portalGroups().stream().map(IscsiSettings.PortalGroup::name).toList());
        assertEquals(new IscsiSettings.Redirect("127.0.0.2:3262,2", true), s.portalGroups().get(1).redirect());
        assertEquals(new IscsiSettings.Redirect("[2001:db8::5]:3260,7", false), s.redirectOf("iqn.2026-11.t:gone"));
        assertEquals(List.of(), s.groupsOf("iqn.2026-11.t:gone"));
        assertEquals(new IscsiSettings.Redirect("192.0.2.1:3260", false), s.redirectOf("iqn.2026-11.t:away"));
    }

    @Test
    void duplicateTags_areRefusedNamingBothGroups() {
        String m = refused("portal-groups { a { tag = 1, portals = [\"127.0.0.1:1\"] }, b { tag = 1, portals = [\"127.0.0.1:2\"] } }");
        assertTrue(m.contains("same tag 1") && m.contains("a and b"), m);
    }

    @Test
    void aPortalInTwoGroups_orUnderTheOthersWildcard_isRefused() {
        String m = refused("portal-groups { a { tag = 1, portals = [\"127.0.0.1:5\"] }, b { tag = 2, portals = [\"127.0.0.1:5\"] } }");
        assertTrue(m.contains("overlaps"), m);
        m = refused("portal-groups { a { tag = 1, portals = [\"0.0.0.0:5\"] }, b { tag = 2, portals = [\"127.0.0.1:5\"] } }");
        assertTrue(m.contains("overlaps"), m);
        // other family, other port: no overlap
        read("portal-groups { a { tag = 1, portals = [\"0.0.0.0:5\"] }, b { tag = 2, portals = [\"[::1]:5\", \"127.0.0.1:6\"] } }");
    }

    @Test
    void unknownGroupOfATarget_isRefusedWithTheKnownNames() {
        String m = refused(TWO_GROUPS + "targets { \"iqn.2026-11.t:a\" { portal-groups = [middle] } }");
        assertTrue(m.contains("unknown portal group middle") && m.contains("front, back") && m.contains("portal-groups"), m);
    }

    @Test
    void badAddressesTagsAndKeys_areRefusedNamingTheKey() {
        assertTrue(refused("portal-groups { a { tag = 1, portals = [\"nohost\"] } }").contains("portals"));
        assertTrue(refused("portal-groups { a { tag = 1, portals = [\"[::1:5\"] } }").contains("portals"));
        assertTrue(refused("portal-groups { a { tag = 1, portals = [\"1.2.3.4:70000\"] } }").contains("port"));
        assertTrue(refused("portal-groups { a { tag = 0, portals = [\"1.2.3.4:1\"] } }").contains("tag"));
        assertTrue(refused("portal-groups { a { portals = [\"1.2.3.4:1\"] } }").contains("needs a tag"));
        assertTrue(refused("portal-groups { a { tag = 1, portals = [] } }").contains("at least one portal"));
        assertTrue(refused("portal-groups { a { tag = 1, portal = [\"1.2.3.4:1\"] } }").contains("unknown key"));
        assertTrue(refused("portal-groups {}").contains("portal-groups"));
        assertTrue(refused("portals = [\"1.2.3.4:1\"], portal-groups { a { tag = 1, portals = [\"1.2.3.4:2\"] } }")
                .contains("not both"));
        assertTrue(refused(TWO_GROUPS + "targets { \"iqn.2026-11.t:a\" { redirect { to = \"0.0.0.0:5\" } } }")
                .contains("one address"));
        assertTrue(refused(TWO_GROUPS + "targets { \"iqn.2026-11.t:a\" { redirect { to = \"1.2.3.4:5,0\" } } }")
                .contains("tag"));
        assertTrue(refused(TWO_GROUPS + "targets { \"iqn.2026-11.t:a\" { redirect { where = \"1.2.3.4:5\" } } }")
                .contains("unknown key"));
        assertTrue(refused(TWO_GROUPS + "targets { \"iqn.2026-11.t:a\" { portal-groups = [] } }")
                .contains("no portal group"));
        assertTrue(refused("portal-groups { a { tag = 1, portals = [\"1.2.3.4:1\"], redirect { to = \"1.2.3.4:1\" } } }")
                .contains("own portal"));
        assertTrue(refused(TWO_GROUPS + "targets { \"iqn.2026-11.t:a\" { portal-groups = [front], redirect { to = \"127.0.0.2:3262\" } } }")
                .contains("redirect loop"));
    }

    @Test
    void problems_carryTheLineOfTheValueAtFault() {
        var e = assertThrows(ConfigException.class, () -> read(TWO_GROUPS
                + "targets {\n  \"iqn.2026-11.t:a\" {\n    portal-groups = [middle]\n  }\n}\n"));
        assertEquals(7, e.origin().lineNumber(), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
