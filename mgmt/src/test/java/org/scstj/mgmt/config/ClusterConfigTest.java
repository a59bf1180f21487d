package org.scstj.mgmt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.cluster.ClusterSpec;
import org.scstj.cluster.FailoverTiming;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code scstj.cluster} read into a ClusterSpec by ClusterReader, each mistake refused at its line. */
class ClusterConfigTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    // the cluster block starts on line 5
    private static final String BASE = """
            scstj {
              state-dir = "%s"
              handlers { vdisk_nullio { null0 { size = 1G } } }
              target-drivers.iscsi.targets { "iqn.2026-12.org.scstj:t" { luns { 0 = null0 } } }
            %s
            }
            """;

    private static final String GOOD_NODES = """
                nodes {
                  n1 { address = "127.0.0.1:25520", roles = [storage] }
                  n2 { address = "127.0.0.2:25520" }
                  n3 { address = "127.0.0.3:25521", roles = [witness] }
                }""";

    private Path write(String cluster) throws IOException {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, BASE.formatted(dir.resolve("state"), cluster));
        return file;
    }

    private ConfigProblem only(String cluster) throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(write(cluster)));
        assertEquals(1, e.problems().size(), e.problems().toString());
        return e.problems().getFirst();
    }

    @Test
    void noClusterBlock_isASingleNode() throws Exception {
        assertNull(loader.load(write("")).cluster());
    }

    @Test
    void cluster_becomesTheSpec_nodesInFileOrder_defaultsApplied() throws Exception {
        ClusterSpec c = loader.load(write("cluster {\n  self = n2\n" + GOOD_NODES + "\n}")).cluster();
        assertEquals("n2", c.self());
        assertEquals(List.of("n1", "n2", "n3"), c.nodes().stream().map(ClusterSpec.Node::name).toList());
        assertEquals(new ClusterSpec.Node("n3", "127.0.0.3", 25521, List.of("witness")), c.nodes().get(2));
        assertEquals(List.of("storage"), c.nodes().get(1).roles());
        assertEquals(Duration.ofMillis(2500), c.lease());
        assertEquals(FailoverTiming.FAST, c.timing());
        assertEquals(2, c.majority());
    }

    @Test
    void aWitness_servesNothing_devicesTargetsAndPortalsRefusedAtTheirLines() throws Exception {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(
                write("target-drivers.iscsi.portals = [\"127.0.0.3:3260\"]\ncluster {\n  self = n3\n" + GOOD_NODES + "\n}")));
        List<String> keys = e.problems().stream().map(ConfigProblem::key).toList();
        assertEquals(List.of("scstj.handlers", "scstj.target-drivers.iscsi.targets", "scstj.target-drivers.iscsi.portals"),
                keys, e.problems().toString());
        assertTrue(e.problems().stream().allMatch(p -> p.message().contains("node n3 is a witness")), e.problems().toString());
        assertEquals(3, e.problems().getFirst().line(), "at the handlers block");
    }

    @Test
    void aWitnessFile_withNoDevicesNoTargetsNoPortals_isAccepted() throws Exception {
        Path file = dir.resolve("witness.conf");
        Files.writeString(file, "scstj {\n  state-dir = \"" + dir.resolve("w") + "\"\n  cluster {\n    self = n3\n"
                + GOOD_NODES + "\n  }\n}\n");
        ClusterSpec c = loader.load(file).cluster();
        assertTrue(c.selfNode().witness());
        assertEquals(2, c.majority(), "the witness votes");
    }

    @Test
    void everyNodeAWitness_isRefused() throws Exception {
        ConfigProblem p = only("cluster {\n  self = n1\n  nodes { n1 { address = \"127.0.0.1:25520\", roles = [witness] } }\n}");
        assertEquals("scstj.cluster.nodes", p.key());
        assertTrue(p.message().contains("every node is a witness"), p.message());
    }

    @Test
    void pekkoDefaults_allowALongerLease() throws Exception {
        ClusterSpec c = loader.load(write("cluster {\n  self = n1, lease = 10s, failover-timing = pekko-defaults\n"
                + GOOD_NODES + "\n}")).cluster();
        assertEquals(Duration.ofSeconds(10), c.lease());
        assertEquals(FailoverTiming.PEKKO_DEFAULTS, c.timing());
    }

    @Test
    void self_notANode_isAProblemAtItsLine() throws Exception {
        ConfigProblem p = only("cluster {\n  self = n7\n" + GOOD_NODES + "\n}");
        assertEquals("scstj.cluster.self", p.key());
        assertEquals(6, p.line());
        assertTrue(p.message().contains("no node n7"), p.message());
    }

    @Test
    void self_missing_isAProblem() throws Exception {
        ConfigProblem p = only("cluster {\n" + GOOD_NODES + "\n}");
        assertEquals("scstj.cluster.self", p.key());
        assertTrue(p.message().startsWith("missing"), p.message());
    }

    @Test
    void lease_notBelowTheTimingsLimit_isRefused() throws Exception {
        ConfigProblem p = only("cluster {\n  self = n1\n  lease = 4s\n" + GOOD_NODES + "\n}");
        assertEquals("scstj.cluster.lease", p.key());
        assertEquals(7, p.line());
        assertTrue(p.message().contains("less than 4000ms"), p.message());
    }

    @Test
    void lease_tooShortOrNotADuration_isRefused() throws Exception {
        assertTrue(only("cluster {\n  self = n1\n  lease = 300ms\n" + GOOD_NODES + "\n}").message().contains("at least 1000ms"));
        assertTrue(only("cluster {\n  self = n1\n  lease = soon\n" + GOOD_NODES + "\n}").message().contains("expected a duration"));
    }

    @Test
    void failoverTiming_unknown_isRefused() throws Exception {
        ConfigProblem p = only("cluster {\n  self = n1\n  failover-timing = turbo\n" + GOOD_NODES + "\n}");
        assertEquals("scstj.cluster.failover-timing", p.key());
        assertEquals("turbo: expected fast or pekko-defaults", p.message());
    }

    @Test
    void node_badAddress_twoNodesOneAddress_unknownRole_unknownKey_eachAtItsLine() throws Exception {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(write("""
                cluster {
                  self = n1
                  nodes {
                    n1 { address = "127.0.0.1" }
                    n2 { address = "127.0.0.1:25520" }
                    n3 { address = "127.0.0.1:25520" }
                    n4 { address = "127.0.0.4:25520", roles = [primary] }
                    n5 { address = "127.0.0.5:25520", weight = 2 }
                  }
                }""")));
        List<String> got = e.problems().stream().map(p -> p.line() + " " + p.key() + ": " + p.message()).toList();
        assertEquals(4, got.size(), got.toString());
        assertTrue(got.get(0).startsWith("8 scstj.cluster.nodes.n1.address: not HOST:PORT"), got.get(0));
        assertTrue(got.get(1).startsWith("10 scstj.cluster.nodes.n3.address: 127.0.0.1:25520 is already node n2's address"), got.get(1));
        assertTrue(got.get(2).startsWith("11 scstj.cluster.nodes.n4.roles: primary: unknown role"), got.get(2));
        assertTrue(got.get(3).startsWith("12 scstj.cluster.nodes.n5.weight: unknown key"), got.get(3));
    }

    @Test
    void unknownKeyInTheBlock_isRefusedByKnownKeys() throws Exception {
        ConfigProblem p = only("cluster {\n  self = n1\n  seeds = []\n" + GOOD_NODES + "\n}");
        assertEquals("scstj.cluster.seeds", p.key());
        assertEquals("unknown key", p.message());
    }

    @Test
    void wildcardAddress_isRefused() throws Exception {
        ConfigProblem p = only("cluster {\n  self = n1\n  nodes { n1 { address = \"0.0.0.0:25520\" } }\n}");
        assertTrue(p.message().startsWith("a wildcard address"), p.message());
    }

    @Test
    void lease_isCheckedAgainstTheOperatorsOwnPekkoTimings() throws Exception {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, BASE.formatted(dir.resolve("state"), "cluster {\n  self = n1\n" + GOOD_NODES + "\n}")
                + "pekko.cluster.split-brain-resolver.stable-after = 1s\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file));
        assertEquals(1, e.problems().size(), e.problems().toString());
        assertEquals("scstj.cluster.lease", e.problems().getFirst().key());
        assertTrue(e.problems().getFirst().message().contains("less than 2000ms"), e.problems().getFirst().message());
    }
}
