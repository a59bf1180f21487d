package org.scstj.bench.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.bench.compare.BackingFiles;
import org.scstj.engine.model.AluaSpec;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigTest {
    private static ScstjConfig load(String text) throws Exception {
        return new ConfigLoader(ConfigLoader.installedHandlers()).load("generated", text, ConfigFactory.empty());
    }

    @Test
    void everyNodesConfiguration_passesScstjsOwnValidation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.img");
        Path failover = dir.resolve("failover.img");
        BackingFiles.create(file, 1 << 20);
        BackingFiles.create(failover, 1 << 20);
        int[] artery = {25521, 25522, 25523};
        for (int i = 0; i < 3; i++) {
            String text = ClusterConfig.node(i, dir.resolve("n" + (i + 1)), file, failover, 3260 + i, artery);
            ScstjConfig c = load(text);
            assertEquals("n" + (i + 1), c.cluster().self());
            assertEquals(List.of("n1", "n2", "n3"), c.cluster().nodes().stream().map(n -> n.name()).toList());
            assertEquals(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"),
                    c.cluster().nodes().stream().map(n -> n.host()).toList());
            assertEquals(List.of(25521, 25522, 25523), c.cluster().nodes().stream().map(n -> n.port()).toList());
            assertEquals(1, c.portals().size());
            assertEquals("127.0.0." + (i + 1), c.portals().getFirst().host());
            assertEquals(3260 + i, c.portals().getFirst().port());
            assertEquals(dir.resolve("n" + (i + 1)).resolve("state"), c.engine().stateDir());
            Map<String, AluaSpec.DeviceGroupSpec> groups = new java.util.HashMap<>();
            c.engine().alua().deviceGroups().forEach(g -> groups.put(g.name(), g));
            assertEquals(List.of("n1", "n2", "n3"), groups.get("throughput").preferredNodes());
            assertEquals(List.of("n2", "n3", "n1"), groups.get("failover").preferredNodes(),
                    "the failover group's owner is never the first seed node");
            assertTrue(groups.get("failover").failback());
            assertEquals(3, c.engine().alua().targetGroups().size());
        }
    }

    @Test
    void theSingleDaemon_sameTargetAndLun_noClusterNoAlua(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("single.img");
        BackingFiles.create(file, 1 << 20);
        String text = ClusterConfig.single(dir.resolve("single"), file, 3270);
        ScstjConfig c = load(text);
        assertNull(c.cluster());
        assertEquals("127.0.0.4", c.portals().getFirst().host());
        assertEquals(3270, c.portals().getFirst().port());
        assertTrue(c.engine().alua() == null || c.engine().alua().deviceGroups().isEmpty(), "no ALUA device groups");
        assertTrue(text.contains("\"" + ClusterConfig.IQN + "\" { luns { 1 = bench-file } }"), text);
    }

    @Test
    void nodeIndexAndArteryPorts_areChecked(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.node(3, dir, dir, dir, 3260, new int[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> ClusterConfig.node(0, dir, dir, dir, 3260, new int[] {1, 2}));
    }

    @Test
    void urls() {
        assertEquals("iscsi://127.0.0.1:3260/iqn.2026-12.org.scstj:bench-cluster/2",
                ClusterConfig.url(ClusterConfig.host(0), 3260, ClusterConfig.FAILOVER_LUN));
    }
}
