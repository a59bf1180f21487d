package org.scstj.mgmt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.model.AluaSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code scstj.alua} (SPC-5 5.16) read into the engine's AluaSpec, and its mistakes refused at their line. */
class AluaConfigTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    private static final String BASE = """
            scstj {
              state-dir = "%s"
              handlers { vdisk_nullio { null0 { size = 1G }, null1 { size = 1G } } }
              target-drivers.iscsi.targets { "iqn.2026-12.org.scstj:t" { luns { 0 = null0, 1 = null1 } } }
              %s
            }
            """;

    private Path write(String alua) throws IOException {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, BASE.formatted(dir.resolve("state"), alua));
        return file;
    }

    @Test
    void noAluaBlock_isTheDefault() throws Exception {
        AluaSpec a = loader.load(write("")).engine().alua();
        assertEquals(new AluaSpec(AluaSpec.DEFAULT.implicitTransitionSeconds(), AluaSpec.DEFAULT.transitionDelay(),
                List.of(new AluaSpec.TargetGroupSpec("default", 1, Set.of(1))), List.of()), a,
                "the defaults, the default portal group a target port group of its own");
    }

    @Test
    void deviceGroups_becomeTheSpec() throws Exception {
        AluaSpec a = loader.load(write("""
                target-drivers.iscsi.portal-groups {
                  one { tag = 1, portals = ["127.0.0.1:3260"] }
                  two { tag = 2, portals = ["127.0.0.1:3261"] }
                }
                alua {
                  implicit-transition-time = 30s
                  transition-delay = 500ms
                  device-groups { db { devices = [null0], states { "2" = standby }, preferred = [1] } }
                }""")).engine().alua();
        assertEquals(30, a.implicitTransitionSeconds());
        assertEquals(Duration.ofMillis(500), a.transitionDelay());
        assertEquals(1, a.deviceGroups().size());
        AluaSpec.DeviceGroupSpec g = a.deviceGroups().getFirst();
        assertEquals(Set.of("null0"), g.devices());
        assertEquals(Map.of(2, AccessState.STANDBY), g.states());
        assertEquals(Set.of(1), g.preferred());
        assertEquals(AccessState.STANDBY, a.initialFor("null0").stateOf(2));
        assertEquals(AccessState.ACTIVE_OPTIMIZED, a.initialFor("null1").stateOf(2));
    }

    private static final String THREE_PORTAL_GROUPS = """
            target-drivers.iscsi.portal-groups {
              one { tag = 1, portals = ["127.0.0.1:3260"] }
              two { tag = 2, portals = ["127.0.0.1:3261"] }
              three { tag = 3, portals = ["127.0.0.1:3262"] }
            }
            """;

    @Test
    void withoutTargetGroups_eachPortalGroupIsATargetPortGroup_idItsTag() throws Exception {
        ScstjConfig c = loader.load(write(THREE_PORTAL_GROUPS));
        assertEquals(List.of(new AluaSpec.TargetGroupSpec("one", 1, Set.of(1)), new AluaSpec.TargetGroupSpec("two", 2, Set.of(2)),
                new AluaSpec.TargetGroupSpec("three", 3, Set.of(3))), c.engine().alua().targetGroups());
        assertEquals(Map.of(1, 1, 2, 2, 3, 3), c.engine().targets().getFirst().portIdsByGroup(), "a port per portal group");
        ScstjConfig one = loader.load(write(""));
        assertEquals(Map.of(1, 1), one.engine().targets().getFirst().portIdsByGroup(), "the default portal group's port");
        assertEquals(List.of(new AluaSpec.TargetGroupSpec("default", 1, Set.of(1))), one.engine().alua().targetGroups());
    }

    @Test
    void targetGroups_holdSeveralPortalGroups_andDeviceGroupsNameThemByNameOrId() throws Exception {
        AluaSpec a = loader.load(write(THREE_PORTAL_GROUPS + """
                alua {
                  target-groups { fast { id = 10, portal-groups = [one, two] } }
                  device-groups { db { devices = [null0], states { fast = standby, "3" = active-non-optimized }, preferred = [three] } }
                }""")).engine().alua();
        assertEquals(List.of(new AluaSpec.TargetGroupSpec("three", 3, Set.of(3)),
                new AluaSpec.TargetGroupSpec("fast", 10, Set.of(1, 2))), a.targetGroups(), "by id; three in none is its own");
        assertEquals(10, a.targetPortGroupOf(1));
        assertEquals(10, a.targetPortGroupOf(2));
        assertEquals(3, a.targetPortGroupOf(3));
        AluaSpec.DeviceGroupSpec g = a.deviceGroups().getFirst();
        assertEquals(Map.of(10, AccessState.STANDBY, 3, AccessState.ACTIVE_NON_OPTIMIZED), g.states());
        assertEquals(Set.of(3), g.preferred());
    }

    @Test
    void targetGroupMistakes_areRefusedEachAtItsLine() throws Exception {
        Path file = write(THREE_PORTAL_GROUPS + """
                alua {
                  target-groups {
                    a { id = 0, portal-groups = [one] }
                    b { id = 70000, portal-groups = [two] }
                    c { id = 4, portal-groups = [one, nowhere] }
                    d { id = 4, portal-groups = [] }
                    e { id = 3, portal-groups = [two], colour = red }
                  }
                  device-groups { db { devices = [null0], states { "9" = standby, nosuch = standby }, preferred = [b] } }
                }""");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file));
        String m = e.getMessage();
        for (String part : new String[] {"a target port group id is 1..65535: 0", "a target port group id is 1..65535: 70000",
                "portal group one is already in target group a", "no portal group nowhere", "id 4 is already target group c's",
                "expected the portal groups", "portal group two is already in target group b", "colour",
                "portal group three is in no target group, so it is target port group 3", "no target port group 9",
                "no target port group nosuch", "no target port group b"}) {
            assertTrue(m.contains(part), part + " in:\n" + m);
        }
        // line numbers: the file's line of each key (BASE has 3 lines before the block, the portal groups 5)
        java.util.List<String> text = java.nio.file.Files.readAllLines(file);
        int lineOfB = 1 + indexOf(text, "b { id = 70000");
        assertTrue(e.problems().stream().anyMatch(p -> p.line() == lineOfB && p.message().contains("70000")),
                "at line " + lineOfB + ": " + e.problems());
        int lineOfStates = 1 + indexOf(text, "nosuch = standby");
        assertTrue(e.problems().stream().anyMatch(p -> p.line() == lineOfStates && p.message().contains("nosuch")),
                "at line " + lineOfStates + ": " + e.problems());
    }

    private static int indexOf(java.util.List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError(part);
    }

    @Test
    void mistakes_areRefusedEachAtItsKey() throws Exception {
        Path file = write("""
                alua {
                  implicit-transition-time = 300s
                  device-groups {
                    a {
                      devices = [null0, nothing]
                      states {
                        "2" = transitioning
                        "0" = standby
                      }
                    }
                    b {
                      devices = [null0]
                      colour = red
                    }
                  }
                }""");
        // one problem a line: each mistake on its own
        String m = assertThrows(InvalidConfigException.class, () -> loader.load(file)).getMessage();
        for (String part : new String[] {"implicit-transition-time", "no device nothing", "transitioning",
                "1..65535", "already in device group a", "colour"}) {
            assertTrue(m.contains(part), part + " in:\n" + m);
        }
    }
}
