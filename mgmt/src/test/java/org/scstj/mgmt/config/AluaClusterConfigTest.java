package org.scstj.mgmt.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.model.AluaSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scstj.alua in a cluster (docs/design/cluster.md 2.1, 5.4): target groups bound to nodes, device
 * groups with a policy, preferred nodes and failback; the mistakes refused at their line.
 */
class AluaClusterConfigTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    private static final String BASE = """
            scstj {
              state-dir = "%s"
              handlers { vdisk_nullio { null0 { size = 1G } } }
              target-drivers.iscsi.portal-groups { pg1 { tag = 1, portals = ["127.0.0.1:3260"] } }
              target-drivers.iscsi.targets { "iqn.2026-12.org.scstj:t" { luns { 0 = null0 } } }
              cluster {
                self = n1
                nodes { n1 { address = "127.0.0.1:25520" }, n2 { address = "127.0.0.2:25520" }, n3 { address = "127.0.0.3:25520" } }
              }
            %s
            }
            """;

    private static final String GROUPS = """
              alua.target-groups {
                t1 { id = 1, node = n1, portal-groups = [pg1] }
                t2 { id = 2, node = n2, portal-groups = [pg2] }
                t3 { id = 3, node = n3 }
              }
            """;

    private Path write(String alua) throws IOException {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, BASE.formatted(dir.resolve("state"), alua));
        return file;
    }

    @Test
    void nodesPolicyPreferredNodesFailback() throws Exception {
        AluaSpec a = loader.load(write(GROUPS + """
                  alua.device-groups { db { devices = [null0], policy = active-standby, preferred-nodes = [n2, n1], failback = on } }
                """)).engine().alua();
        assertEquals(List.of(new AluaSpec.TargetGroupSpec("t1", 1, Set.of(1), "n1"),
                new AluaSpec.TargetGroupSpec("t2", 2, Set.of(), "n2"),
                new AluaSpec.TargetGroupSpec("t3", 3, Set.of(), "n3")), a.targetGroups(),
                "another node's portal groups are in its own file: not checked here");
        AluaSpec.DeviceGroupSpec db = a.deviceGroupOf("null0");
        assertEquals(AluaSpec.Policy.ACTIVE_STANDBY, db.policy());
        assertEquals(List.of("n2", "n1"), db.preferredNodes());
        assertTrue(db.failback());
    }

    @Test
    void defaults_thisFilesPortalGroupsAreThisNodes_everyNodePreferred_noFailback() throws Exception {
        AluaSpec a = loader.load(write("""
                  alua.device-groups { db { devices = [null0], policy = active-active } }
                """.replace("active-active", "manual"))).engine().alua();
        assertEquals(List.of(new AluaSpec.TargetGroupSpec("pg1", 1, Set.of(1), "n1")), a.targetGroups());
        AluaSpec.DeviceGroupSpec db = a.deviceGroupOf("null0");
        assertEquals(AluaSpec.Policy.MANUAL, db.policy());
        assertEquals(List.of("n1", "n2", "n3"), db.preferredNodes());
        assertEquals(false, db.failback());
    }

    @Test
    void mistakes_atTheirLine() throws Exception {
        String block = """
                  alua.target-groups {
                    t1 { id = 1, node = n1, portal-groups = [pg1] }
                    t2 { id = 2, node = n9 }
                  }
                  alua.device-groups {
                    db { devices = [null0], policy = active-standby, preferred-nodes = [n1, n7, n3] }
                    xx { devices = [], policy = sometimes }
                  }
                  alua.device-groups.st { devices = [], policy = active-standby, states { t1 = standby } }
                """;
        Path file = write(block);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file));
        List<String> text = Files.readAllLines(file);
        expect(e, text, "t2 { id = 2, node = n9", "no cluster node n9");
        expect(e, text, "preferred-nodes = [n1, n7, n3]", "no cluster node n7");
        expect(e, text, "preferred-nodes = [n1, n7, n3]", "node n3 has no target group");
        expect(e, text, "policy = sometimes", "expected manual, active-active or active-standby");
        expect(e, text, "alua.device-groups.st", "the states follow the owner node");
    }

    @Test
    void aWitness_hasNoTargetGroup_ownsNoDeviceGroup_andIsNotADefaultPreferredNode() throws Exception {
        String witness = "n3 { address = \"127.0.0.3:25520\" }";
        String block = """
                  alua.target-groups {
                    t1 { id = 1, node = n1, portal-groups = [pg1] }
                    t2 { id = 2, node = n2 }
                    t3 { id = 3, node = n3 }
                  }
                  alua.device-groups { db { devices = [null0], policy = active-standby, preferred-nodes = [n2, n3] } }
                """;
        Path file = write(block);
        Files.writeString(file, Files.readString(file).replace(witness, "n3 { address = \"127.0.0.3:25520\", roles = [witness] }"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file));
        List<String> text = Files.readAllLines(file);
        expect(e, text, "t3 { id = 3, node = n3", "node n3 is a witness: it has no ports");
        expect(e, text, "preferred-nodes = [n2, n3]", "node n3 is a witness: it cannot own a device group");
        Files.writeString(file, Files.readString(file).replace("    t3 { id = 3, node = n3 }\n", "")
                .replace(", preferred-nodes = [n2, n3]", ""));
        assertEquals(List.of("n1", "n2"), loader.load(file).engine().alua().deviceGroupOf("null0").preferredNodes(),
                "by default every storage node, the witness left out");
    }

    @Test
    void singleNode_activeStandbyWithTwoActiveOptimizedGroups_andANodeWithoutACluster() throws Exception {
        String text = """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_nullio { null0 { size = 1G } } }
                  target-drivers.iscsi.portal-groups {
                    one { tag = 1, portals = ["127.0.0.1:3260"] }
                    two { tag = 2, portals = ["127.0.0.1:3261"] }
                  }
                  target-drivers.iscsi.targets { "iqn.2026-12.org.scstj:t" { luns { 0 = null0 } } }
                  alua.target-groups { a { id = 10, node = n1, portal-groups = [one] } }
                  alua.device-groups { db { devices = [null0], policy = active-standby, states { "2" = active-optimized } } }
                }
                """.formatted(dir.resolve("state"));
        Path file = dir.resolve("one.conf");
        Files.writeString(file, text);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file));
        List<String> lines = Files.readAllLines(file);
        expect(e, lines, "alua.target-groups { a { id = 10, node = n1", "there is no scstj.cluster");
        expect(e, lines, "policy = active-standby, states", "allows one active-optimized target port group");
    }

    private static void expect(InvalidConfigException e, List<String> lines, String part, String message) {
        int line = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                line = i + 1;
                break;
            }
        }
        int at = line;
        assertTrue(e.problems().stream().anyMatch(p -> p.line() == at && p.message().contains(message)),
                "line " + at + " '" + message + "': " + e.problems());
    }
}
