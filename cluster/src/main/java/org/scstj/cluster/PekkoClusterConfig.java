package org.scstj.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The Pekko configuration layer of a cluster node, generated from {@link ClusterSpec}: the cluster
 * provider, Artery TCP on this node's canonical address, the seed nodes in configuration order,
 * roles, the keep-majority split-brain resolver, the failure detector of the chosen timing, and
 * CBOR for {@link CborSerializable} messages. The daemon puts it under the operator's own
 * {@code pekko { }} settings (which win) and over every module's defaults.
 */
public final class PekkoClusterConfig {
    private PekkoClusterConfig() {
    }

    /** The generated layer for {@code spec}'s self node, its LU control records in memory only (tests). */
    public static Config generate(ClusterSpec spec) {
        return generate(spec, null);
    }

    /**
     * The generated layer for {@code spec}'s self node; {@code stateDir} (null: none) the daemon's
     * {@code scstj.state-dir}, under which {@code cluster/ddata/} keeps the durable DData keys.
     */
    public static Config generate(ClusterSpec spec, Path stateDir) {
        ClusterSpec.Node self = spec.selfNode();
        FailoverTiming t = spec.timing();
        StringBuilder h = new StringBuilder();
        h.append("pekko.actor.provider = cluster\n");
        h.append("pekko.actor.serialization-bindings { ")
                .append(q(CborSerializable.class.getName())).append(" = jackson-cbor }\n");
        h.append("pekko.remote.artery.transport = tcp\n");
        h.append("pekko.remote.artery.canonical.hostname = ").append(q(self.host())).append('\n');
        h.append("pekko.remote.artery.canonical.port = ").append(self.port()).append('\n');
        // Artery binds where it is reached: the canonical address (no bind.* override)
        h.append("pekko.cluster.seed-nodes = [")
                .append(spec.nodes().stream().map(n -> q(n.address())).collect(Collectors.joining(", "))).append("]\n");
        h.append("pekko.cluster.roles = [")
                .append(self.roles().stream().map(PekkoClusterConfig::q).collect(Collectors.joining(", "))).append("]\n");
        // the leader moves no one to Up before a majority of the configured nodes joined: a lone node never serves
        h.append("pekko.cluster.min-nr-of-members = ").append(spec.majority()).append('\n');
        h.append("pekko.cluster.retry-unsuccessful-join-after = 2s\n");
        // Pekko typed/cluster.md "Joining configured seed nodes": the first seed joins itself when no
        // other seed answered its InitJoin within seed-node-timeout (default 5 s). A restarted first
        // seed on a loaded machine missed the running cluster's answers that way and formed a
        // cluster of its own, never Up alone (it/ClusterKillWritesTest). Seeds that run but are not
        // members answer at once (InitJoinNack), so a longer wait delays only a first seed whose
        // peers are down. Only the first seed: on the others the same setting is the interval at
        // which they ask the seeds again (JoinSeedNodeProcess), 20 s there slowed every cold start.
        if (spec.nodes().getFirst().name().equals(self.name())) {
            h.append("pekko.cluster.seed-node-timeout = 20s\n");
        }
        h.append("pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"\n");
        h.append("pekko.cluster.split-brain-resolver.active-strategy = keep-majority\n");
        h.append("pekko.cluster.split-brain-resolver.stable-after = ").append(ms(t.stableAfter())).append('\n');
        h.append("pekko.cluster.split-brain-resolver.down-all-when-unstable = on\n");
        h.append("pekko.cluster.run-coordinated-shutdown-when-down = on\n");
        // a downed node ends its process (exit status 255); a planned stop keeps the daemon's own exit
        h.append("pekko.coordinated-shutdown.reason-overrides { ")
                .append(q("org.apache.pekko.actor.CoordinatedShutdown$ClusterDowningReason$"))
                .append(" { exit-jvm = on, exit-code = -1 } }\n");
        // the daemon runs CoordinatedShutdown itself on SIGTERM (ShutdownSignal), not from a JVM hook
        h.append("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n");
        // docs/design/cluster.md 4.4: the LU control entities live on storage members, always
        // running (no passivation, no remembered entities: the replicas' subscriptions start them)
        h.append("pekko.cluster.sharding.role = \"storage\"\n");
        h.append("pekko.cluster.sharding.passivation.strategy = none\n");
        h.append("pekko.cluster.sharding.remember-entities = off\n");
        h.append("pekko.cluster.sharding.retry-interval = 500ms\n");
        if (stateDir != null) {
            // docs/design/cluster.md 4.3, 8 risk 2: the LU control records (and cluster-wide
            // configuration) are kept on each node's disk by StateFileDurableStore, so that a
            // restart of the whole cluster finds them; the cluster incarnation is not durable (4.8)
            h.append("pekko.cluster.distributed-data.durable.keys = [\"lu-ctl-*\", \"cfg-*\"]\n");
            h.append("pekko.cluster.distributed-data.durable.store-actor-class = ")
                    .append(q(StateFileDurableStore.class.getName())).append('\n');
            h.append("pekko.cluster.distributed-data.durable.state-file.dir = ")
                    .append(q(stateDir.resolve("cluster").resolve("ddata").toAbsolutePath().toString())).append('\n');
        }
        if (t == FailoverTiming.FAST) {
            h.append("pekko.cluster.failure-detector.heartbeat-interval = ").append(ms(t.heartbeatInterval())).append('\n');
            h.append("pekko.cluster.failure-detector.acceptable-heartbeat-pause = ")
                    .append(ms(t.acceptableHeartbeatPause())).append('\n');
            h.append("pekko.cluster.failure-detector.threshold = 8.0\n");
            h.append("pekko.cluster.failure-detector.expected-response-after = 500ms\n");
            h.append("pekko.cluster.gossip-interval = 500ms\n");
            h.append("pekko.cluster.leader-actions-interval = 500ms\n");
            h.append("pekko.cluster.unreachable-nodes-reaper-interval = 500ms\n");
            h.append("pekko.cluster.down-removal-margin = 1s\n");
        }
        return ConfigFactory.parseString(h.toString(),
                ConfigParseOptions.defaults().setOriginDescription("generated from scstj.cluster"));
    }

    private static String q(String s) {
        return ConfigUtil.quoteString(s);
    }

    private static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
