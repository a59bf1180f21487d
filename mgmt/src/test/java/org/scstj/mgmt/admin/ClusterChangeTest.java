package org.scstj.mgmt.admin;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.cluster.config.ConfigAuthority;
import org.scstj.cluster.config.ConfigParticipant;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The change machinery's cluster path (docs/design/cluster.md 5.3) on three nodes in one JVM, each
 * a ChangeManager over a recording engine with its own file, and an in-process authority standing
 * for the Cluster Singleton (same rules: stale base refused, prepare on all, then commit on all or
 * abort on all): a change through one node applies on every node and is written to every file with
 * each node's own keys kept; a refusal on one node leaves every node as it was and names the node;
 * a stale base is re-applied to the newer document; node-local keys stay local; a node that missed
 * revisions catches up.
 */
class ClusterChangeTest {
    static final String T = "iqn.2026-12.org.scstj:c1";

    @TempDir
    Path dir;
    final List<DeviceHandlerFactory> handlers = ConfigLoader.installedHandlers();
    final List<Node> nodes = new ArrayList<>();
    final Authority authority = new Authority();

    record Node(String name, Path file, FakeLive live, ChangeManager changes) {
    }

    /** The single writer, in process: the rules of {@link ConfigAuthority} over the nodes' participants. */
    final class Authority implements ChangeManager.Proposer {
        long revision;
        String text;
        final List<String> log = new ArrayList<>();

        @Override
        public synchronized ConfigAuthority.Outcome propose(long base, String t, boolean allowDisruptive, boolean force) {
            if (revision != 0 && base != revision) {
                return new ConfigAuthority.Outcome(ConfigAuthority.Outcome.Kind.STALE, revision, "", 409, "stale");
            }
            long next = base + 1;
            List<Node> prepared = new ArrayList<>();
            for (Node n : nodes) {
                ConfigParticipant.Vote v = get(n.changes().participant().prepare(next, t, allowDisruptive, force));
                if (!v.ok()) {
                    prepared.forEach(p -> get(p.changes().participant().abort(next)));
                    log.add("refused by " + n.name());
                    return new ConfigAuthority.Outcome(ConfigAuthority.Outcome.Kind.REFUSED, next, n.name(), v.status(),
                            "node " + n.name() + " refused: " + v.message());
                }
                prepared.add(n);
            }
            revision = next;
            text = t;
            nodes.forEach(n -> get(n.changes().participant().commit(next)));
            log.add("committed " + next);
            return new ConfigAuthority.Outcome(ConfigAuthority.Outcome.Kind.COMMITTED, next, "", 200, "applied");
        }

        private <T> T get(java.util.concurrent.CompletionStage<T> s) {
            try {
                return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    String config(int i) {
        return """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_nullio { d0 { size = 1G } } }
                  target-drivers.iscsi {
                    portal-groups { p%d { tag = %d, portals = ["127.0.0.%d:13260"] } }
                    targets { "%s" { luns { 0 = d0 } } }
                  }
                }
                """.formatted(dir.resolve("n" + i).resolve("state"), i, i, i, T);
    }

    Node node(int i) throws Exception {
        Path f = dir.resolve("n" + i).resolve("scstj.conf");
        Files.createDirectories(f.getParent());
        if (!Files.exists(f)) {
            Files.writeString(f, config(i));
        }
        ScstjConfig running = new ConfigLoader(handlers).load(f);
        FakeLive live = new FakeLive();
        live.targets = running.engine().targets();
        ChangeManager cm = new ChangeManager(new ConfigLoader(handlers), handlers, live, new ConfigStore(f, 3),
                f.toString(), ConfigLoader.document(f), running);
        cm.clusterMode(authority);
        return new Node("n" + i, f, live, cm);
    }

    @BeforeEach
    void start() throws Exception {
        for (int i = 1; i <= 3; i++) {
            nodes.add(node(i));
        }
    }

    ChangeManager.Result change(Node through, List<String> objects, ChangeManager.Edit edit) throws ApiException {
        return through.changes().change(objects, edit, ChangeManager.Options.api(false, Map.of(), false));
    }

    @Test
    void aLunAddedThroughOneNodeIsMappedOnEveryNodeAndInEveryFileWithItsOwnPortals() throws Exception {
        Node n2 = nodes.get(1);
        change(n2, List.of(Paths.device("d1")), Edits.putDevice("d1", "vdisk_nullio", ChangeManagerTest.map("size", "2G")));
        change(n2, List.of(Paths.target(T), Paths.device("d1")), Edits.putLun(T, null, 1, ChangeManagerTest.map("device", "d1")));
        assertEquals(List.of("committed 1", "committed 2"), authority.log);
        for (int i = 0; i < 3; i++) {
            Node n = nodes.get(i);
            assertEquals(List.of("addDevice d1"), n.live().calls("addDevice"), n.name());
            assertTrue(n.live().targets.getFirst().defaultLuns().contains(new LunMapping(1, "d1", false)), n.name());
            assertEquals(2, n.changes().clusterRevision(), n.name());
            assertEquals("2", Files.readString(n.changes().state().config().engine().stateDir()
                    .resolve(ChangeManager.REVISION_FILE)).trim());
            // the file a restart reads: the new LUN, and this node's own portal group and state directory
            ScstjConfig restarted = new ConfigLoader(handlers).load(n.file());
            assertEquals(n.changes().state().config().engine(), restarted.engine(), n.name());
            String text = Files.readString(n.file());
            assertTrue(text.contains("127.0.0." + (i + 1) + ":13260"), text);
            assertFalse(text.contains("127.0.0." + ((i + 1) % 3 + 1) + ":13260"), text);
        }
    }

    @Test
    void aRefusalOnOneNodeLeavesEveryNodeAsItWasAndNamesTheNode() throws Exception {
        List<String> files = new ArrayList<>();
        for (Node n : nodes) {
            files.add(Files.readString(n.file()));
        }
        nodes.get(2).live().failOn = "addDevice"; // n3 cannot open the new device
        ApiException e = assertThrows(ApiException.class, () -> change(nodes.get(0), List.of(Paths.device("d1")),
                Edits.putDevice("d1", "vdisk_nullio", ChangeManagerTest.map("size", "2G"))));
        assertTrue(e.getMessage().contains("n3"), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.field().equals("node n3")), e.problems().toString());
        assertEquals(List.of("refused by n3"), authority.log);
        for (int i = 0; i < 3; i++) {
            Node n = nodes.get(i);
            assertEquals(files.get(i), Files.readString(n.file()), n.name() + "'s file is unchanged");
            assertEquals(1, n.changes().state().revision(), n.name());
            assertEquals(0, n.changes().clusterRevision(), n.name());
            assertFalse(n.changes().state().config().engine().devices().stream().anyMatch(d -> d.name().equals("d1")));
        }
        // n1 and n2 had opened it: undone
        assertEquals(List.of("removeDevice d1"), nodes.get(0).live().calls("removeDevice"));
        assertEquals(List.of("removeDevice d1"), nodes.get(1).live().calls("removeDevice"));
        // and the lock is free again: the next change goes through everywhere
        nodes.get(2).live().failOn = null;
        change(nodes.get(0), List.of(Paths.device("d1")), Edits.putDevice("d1", "vdisk_nullio", ChangeManagerTest.map("size", "2G")));
        assertEquals(1, nodes.get(2).changes().clusterRevision());
    }

    @Test
    void aNodeWhoseCommitFailsAfterItPreparedStopsServing() throws Exception {
        List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        nodes.get(2).live().cluster = new ClusterControl() {
            @Override
            public org.scstj.cluster.ClusterNode.View view() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void leave() {
            }

            @Override
            public void configurationLost(String why) {
                lost.add(why);
            }
        };
        nodes.get(2).live().targetProblems = List.of("injected: LUN map refused"); // only the commit asks for it
        change(nodes.get(0), List.of(Paths.device("d1")), Edits.putDevice("d1", "vdisk_nullio", ChangeManagerTest.map("size", "2G")));
        change(nodes.get(0), List.of(Paths.target(T), Paths.device("d1")),
                Edits.putLun(T, null, 1, ChangeManagerTest.map("device", "d1")));
        assertEquals(1, lost.size(), lost.toString());
        assertTrue(lost.getFirst().contains("revision 2") && lost.getFirst().contains("injected"), lost.toString());
        assertEquals(2, nodes.get(0).changes().clusterRevision());
        assertEquals(1, nodes.get(2).changes().clusterRevision(), "n3 did not apply revision 2");
        // and its lock is free: a catch-up (as at its restart) applies it
        assertTrue(nodes.get(2).changes().catchUp(2, authority.text).applied());
        assertEquals(2, nodes.get(2).changes().clusterRevision());
    }

    @Test
    void anInvalidChangeIsRefusedOnTheProposingNodeBeforeTheClusterIsAsked() {
        ApiException e = assertThrows(ApiException.class, () -> change(nodes.get(0), List.of(Paths.target(T)),
                Edits.putLun(T, null, 3, ChangeManagerTest.map("device", "missing"))));
        assertEquals(422, e.status());
        assertEquals(List.of(), authority.log);
    }

    @Test
    void aStaleBaseIsReappliedToTheNewerDocument() throws Exception {
        // n3 missed revision 1 (it was down): its base is stale; it catches up, then its edit goes through
        Node n3 = nodes.remove(2);
        change(nodes.get(0), List.of(Paths.device("d1")), Edits.putDevice("d1", "vdisk_nullio", ChangeManagerTest.map("size", "2G")));
        nodes.add(n3);
        ApiException e = assertThrows(ApiException.class, () -> change(n3, List.of(Paths.device("d2")),
                Edits.putDevice("d2", "vdisk_nullio", ChangeManagerTest.map("size", "2G"))));
        assertEquals(409, e.status());
        assertEquals(0, n3.changes().clusterRevision());
        // the join catch-up brings it to the cluster's document
        ChangeManager.Result r = n3.changes().catchUp(authority.revision, authority.text);
        assertTrue(r != null && r.applied(), String.valueOf(r));
        assertEquals(1, n3.changes().clusterRevision());
        assertTrue(n3.changes().state().config().engine().devices().stream().anyMatch(d -> d.name().equals("d1")));
        assertTrue(Files.readString(n3.file()).contains("127.0.0.3:13260"), "its own portal group stays");
        assertEquals(null, n3.changes().catchUp(authority.revision, authority.text), "nothing twice");
        change(n3, List.of(Paths.device("d2")), Edits.putDevice("d2", "vdisk_nullio", ChangeManagerTest.map("size", "2G")));
        for (Node n : nodes) {
            assertEquals(2, n.changes().clusterRevision(), n.name());
        }
    }

    @Test
    void nodeLocalKeysStayOnTheNodeAndMixedChangesAreRefused() throws Exception {
        Node n1 = nodes.get(0);
        var doc = n1.changes().state().document();
        // a reload of n1's file with only its own portal group changed: applied on n1 alone
        var portals = doc.withValue("scstj.target-drivers.iscsi.portal-groups.p1.portals",
                com.typesafe.config.ConfigValueFactory.fromIterable(List.of("127.0.0.1:13261")));
        n1.changes().replace(portals, new ChangeManager.Options(true, false, Map.of(), false, false));
        assertEquals(List.of(), authority.log);
        assertEquals(List.of("reconfigureDriver"), n1.live().calls("reconfigureDriver"));
        assertEquals(List.of(), nodes.get(1).live().calls);
        // node-local and cluster-wide at once
        var both = portals.withValue("scstj.target-drivers.iscsi.portal-groups.p1.portals",
                com.typesafe.config.ConfigValueFactory.fromIterable(List.of("127.0.0.1:13262")))
                .withValue("scstj.handlers.vdisk_nullio.d1", ConfigFactory.parseString("size = 1G").root());
        ApiException e = assertThrows(ApiException.class, () -> n1.changes().replace(both,
                new ChangeManager.Options(true, false, Map.of(), false, false)));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("node-local"), e.getMessage());
    }

    @Test
    void theClusterPartLeavesOutEveryNodeLocalKey() {
        var doc = nodes.get(0).changes().state().document();
        var part = ClusterDocument.clusterPart(doc);
        assertFalse(part.hasPath("scstj.state-dir"));
        assertFalse(part.hasPath("scstj.target-drivers.iscsi.portal-groups"));
        assertTrue(part.hasPath("scstj.handlers.vdisk_nullio.d0"));
        assertTrue(part.hasPath("scstj.target-drivers.iscsi.targets"));
        // every node's documents have the same cluster part and different node parts
        assertTrue(ClusterDocument.sameClusterPart(doc, nodes.get(1).changes().state().document()));
        assertFalse(ClusterDocument.sameNodePart(doc, nodes.get(1).changes().state().document()));
        // composing n2's node part over n1's text gives n2's document back
        var n2 = nodes.get(1).changes().state().document();
        assertEquals(n2.root(), ClusterDocument.compose(n2, ClusterDocument.text(doc)).root());
    }
}
