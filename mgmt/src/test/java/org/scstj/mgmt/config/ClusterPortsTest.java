package org.scstj.mgmt.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.model.TargetSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Relative target ports and target port groups numbered across the cluster from every node's
 * portal groups listed in {@code scstj.cluster.nodes.<n>.portal-groups} (ClusterPorts): every node
 * computes the same numbering, each node's sessions get their own port's id, REPORT TARGET PORT
 * GROUPS data lists every node's ports; a listing that disagrees with the node's own portal groups,
 * a tag listed twice, or a node left out is refused at its line.
 */
class ClusterPortsTest {
    static final String T1 = "iqn.2026-12.org.scstj:a";
    static final String T2 = "iqn.2026-12.org.scstj:b";

    @TempDir
    Path dir;
    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    String config(int self, String listing) {
        return """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_nullio { d0 { size = 1G } } }
                  target-drivers.iscsi {
                    portal-groups { p%d { tag = %d, portals = ["127.0.0.%d:13260"] } }
                    targets { "%s" { luns { 0 = d0 } }, "%s" { luns { 0 = d0 } } }
                  }
                  cluster {
                    self = n%d
                    nodes {
                      n1 { address = "127.0.0.1:25520"%s }
                      n2 { address = "127.0.0.2:25520"%s }
                      n3 { address = "127.0.0.3:25520"%s }
                    }
                  }
                }
                """.formatted(dir.resolve("s" + self), self, self, self, T1, T2, self,
                listing == null ? ", portal-groups { p1 = 1 }" : listing.split("\\|", -1)[0],
                listing == null ? ", portal-groups { p2 = 2 }" : listing.split("\\|", -1)[1],
                listing == null ? ", portal-groups { p3 = 3 }" : listing.split("\\|", -1)[2]);
    }

    ScstjConfig load(int self, String listing) throws Exception {
        Path f = dir.resolve("n" + self + ".conf");
        Files.writeString(f, config(self, listing));
        return loader.load(f);
    }

    @Test
    void everyNodeNumbersEveryNodesPortsTheSameAndUsesItsOwn() throws Exception {
        Map<Integer, Integer> first = null;
        for (int self = 1; self <= 3; self++) {
            List<TargetSpec> targets = load(self, null).engine().targets();
            // target a: ports 1, 2, 3 (n1, n2, n3); target b: 4, 5, 6
            assertEquals(Map.of(1, 1, 2, 2, 3, 3), targets.get(0).portIdsByGroup());
            assertEquals(Map.of(1, 4, 2, 5, 3, 6), targets.get(1).portIdsByGroup());
            assertEquals(self, targets.get(0).relativeTargetPortId(), "this node's own port of target a");
            assertEquals(self, targets.get(0).relativeTargetPortId(self));
            assertEquals(3 + self, targets.get(1).relativeTargetPortId(self));
            if (first == null) {
                first = targets.get(1).portIdsByGroup();
            }
            assertEquals(first, targets.get(1).portIdsByGroup(), "the same on every node");
        }
    }

    @Test
    void reportTargetPortGroupsDataListsEveryNodesGroupWithItsPorts() throws Exception {
        ScstjConfig c = load(2, null);
        List<TargetPortGroup> groups = c.engine().alua().stateFor("d0", c.engine().targets()).groups();
        assertEquals(3, groups.size(), groups.toString());
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, groups.get(i).id());
            assertArrayEquals(new int[] {i + 1, i + 4}, groups.get(i).relativeTargetPortIds(), "group " + (i + 1));
        }
    }

    @Test
    void withoutAListingEachNodeNumbersItsOwnPortsAsBefore() throws Exception {
        List<TargetSpec> targets = load(2, "||").engine().targets();
        assertEquals(Map.of(2, 1), targets.get(0).portIdsByGroup());
        assertEquals(Map.of(2, 2), targets.get(1).portIdsByGroup());
    }

    @Test
    void aListingThatDisagreesWithTheNodesOwnPortalGroupsIsRefused() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> load(2, ", portal-groups { p1 = 1 }|, portal-groups { p2 = 7 }|, portal-groups { p3 = 3 }"));
        assertTrue(e.problems().stream().anyMatch(p -> p.key().equals("scstj.cluster.nodes.n2.portal-groups")
                && p.message().contains("this node (n2)")), e.problems().toString());
    }

    @Test
    void aTagListedByTwoNodesAndANodeLeftOutAreRefused() {
        InvalidConfigException dup = assertThrows(InvalidConfigException.class,
                () -> load(1, ", portal-groups { p1 = 1 }|, portal-groups { p2 = 1 }|, portal-groups { p3 = 3 }"));
        assertTrue(dup.problems().stream().anyMatch(p -> p.message().contains("tag 1 is already listed for node n1")),
                dup.problems().toString());
        InvalidConfigException missing = assertThrows(InvalidConfigException.class,
                () -> load(1, ", portal-groups { p1 = 1 }||, portal-groups { p3 = 3 }"));
        assertTrue(missing.problems().stream().anyMatch(p -> p.key().equals("scstj.cluster.nodes.n2.portal-groups")
                && p.message().startsWith("missing")), missing.problems().toString());
    }
}
