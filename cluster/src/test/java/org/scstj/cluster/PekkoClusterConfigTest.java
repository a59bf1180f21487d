package org.scstj.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PekkoClusterConfigTest {
    private static ClusterSpec three(String self, FailoverTiming timing) {
        return new ClusterSpec(self, List.of(
                new ClusterSpec.Node("n1", "127.0.0.1", 25520, List.of("storage")),
                new ClusterSpec.Node("n2", "127.0.0.2", 25521, List.of("storage")),
                new ClusterSpec.Node("n3", "127.0.0.3", 25522, List.of("witness"))), Duration.ofMillis(2500), timing);
    }

    @Test
    void generate_fast_carriesProviderArterySeedsRolesSbrAndDetector() {
        Config c = PekkoClusterConfig.generate(three("n2", FailoverTiming.FAST))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        assertEquals("cluster", c.getString("pekko.actor.provider"));
        assertEquals("jackson-cbor", c.getConfig("pekko.actor.serialization-bindings")
                .root().get("org.scstj.cluster.CborSerializable").unwrapped());
        assertEquals("tcp", c.getString("pekko.remote.artery.transport"));
        assertEquals("127.0.0.2", c.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(25521, c.getInt("pekko.remote.artery.canonical.port"));
        assertEquals(List.of("pekko://scstj@127.0.0.1:25520", "pekko://scstj@127.0.0.2:25521", "pekko://scstj@127.0.0.3:25522"),
                c.getStringList("pekko.cluster.seed-nodes"));
        assertEquals(List.of("storage"), c.getStringList("pekko.cluster.roles"));
        assertEquals(2, c.getInt("pekko.cluster.min-nr-of-members"));
        assertEquals(5, c.getDuration("pekko.cluster.seed-node-timeout", TimeUnit.SECONDS),
                "Pekko's default on a node that is not the first seed: it asks the seeds again that often");
        assertEquals(20, PekkoClusterConfig.generate(three("n1", FailoverTiming.FAST)).withFallback(ConfigFactory.defaultReference())
                .resolve().getDuration("pekko.cluster.seed-node-timeout", TimeUnit.SECONDS), "a restarted first seed waits for the others");
        assertEquals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider", c.getString("pekko.cluster.downing-provider-class"));
        assertEquals("keep-majority", c.getString("pekko.cluster.split-brain-resolver.active-strategy"));
        assertEquals(3000, c.getDuration("pekko.cluster.split-brain-resolver.stable-after", TimeUnit.MILLISECONDS));
        assertTrue(c.getBoolean("pekko.cluster.run-coordinated-shutdown-when-down"));
        assertEquals(500, c.getDuration("pekko.cluster.failure-detector.heartbeat-interval", TimeUnit.MILLISECONDS));
        assertEquals(2000, c.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause", TimeUnit.MILLISECONDS));
        assertEquals(1000, c.getDuration("pekko.cluster.down-removal-margin", TimeUnit.MILLISECONDS));
        Config downing = c.getConfig("pekko.coordinated-shutdown.reason-overrides")
                .atKey("o").getObject("o").toConfig().getConfig("\"org.apache.pekko.actor.CoordinatedShutdown$ClusterDowningReason$\"");
        assertTrue(downing.getBoolean("exit-jvm"));
        assertFalse(c.getBoolean("pekko.coordinated-shutdown.exit-jvm"), "only a downed node exits by itself");
    }

    @Test
    void generate_withStateDir_keepsLuControlRecordsInStateFilesUnderIt() {
        Config c = PekkoClusterConfig.generate(three("n1", FailoverTiming.FAST), java.nio.file.Path.of("/var/lib/scstj"))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        assertEquals(List.of("lu-ctl-*", "cfg-*"), c.getStringList("pekko.cluster.distributed-data.durable.keys"));
        assertEquals(StateFileDurableStore.class.getName(),
                c.getString("pekko.cluster.distributed-data.durable.store-actor-class"));
        assertEquals("/var/lib/scstj/cluster/ddata", c.getString("pekko.cluster.distributed-data.durable.state-file.dir"));
        assertEquals(List.of(), PekkoClusterConfig.generate(three("n1", FailoverTiming.FAST))
                .withFallback(ConfigFactory.defaultReference()).resolve()
                .getStringList("pekko.cluster.distributed-data.durable.keys"), "no state-dir: in memory only");
    }

    @Test
    void generate_pekkoDefaults_keepsTheDetectorDefaultsAndSbrStableAfter20s() {
        Config c = PekkoClusterConfig.generate(three("n1", FailoverTiming.PEKKO_DEFAULTS))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        assertEquals(1000, c.getDuration("pekko.cluster.failure-detector.heartbeat-interval", TimeUnit.MILLISECONDS));
        assertEquals(3000, c.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause", TimeUnit.MILLISECONDS));
        assertEquals(20000, c.getDuration("pekko.cluster.split-brain-resolver.stable-after", TimeUnit.MILLISECONDS));
        assertEquals("127.0.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
    }

    @Test
    void generate_fiveNodes_minNrOfMembersIsTheMajority() {
        List<ClusterSpec.Node> five = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            five.add(new ClusterSpec.Node("n" + i, "10.0.0." + i, 25520, List.of("storage")));
        }
        Config c = PekkoClusterConfig.generate(new ClusterSpec("n4", five, Duration.ofSeconds(2), FailoverTiming.FAST));
        assertEquals(3, c.getInt("pekko.cluster.min-nr-of-members"));
        assertEquals("pekko://scstj@10.0.0.1:25520", c.getStringList("pekko.cluster.seed-nodes").getFirst());
    }

    @Test
    void leaseLimit_isPausePlusStableAfterMinusOneSecond() {
        assertEquals(Duration.ofSeconds(4), FailoverTiming.FAST.leaseLimit());
        assertEquals(Duration.ofSeconds(22), FailoverTiming.PEKKO_DEFAULTS.leaseLimit());
    }
}
