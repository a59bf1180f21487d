package org.scstj.cluster;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This daemon as a cluster node, on the engine's actor system (started with
 * {@link PekkoClusterConfig}): joins through the configured seed nodes, runs the {@link
 * ClusterGuard} and its {@link Lease}, tells when this node is Up and when it is removed, shows the
 * membership, and leaves on request.
 */
public final class ClusterNode {
    private final ActorSystem<?> system;
    private final ClusterSpec spec;
    private final Lease lease = new Lease(System::nanoTime);
    private final GuardState guardState = new GuardState();
    private final CompletableFuture<Void> up = new CompletableFuture<>();
    private final CompletableFuture<Void> removed = new CompletableFuture<>();
    private volatile ActorRef<AluaCoordinator.Command> alua;
    private volatile ActorRef<org.scstj.cluster.config.ConfigAuthority.Command> configAuthority;

    private ClusterNode(ActorSystem<?> system, ClusterSpec spec) {
        this.system = system;
        this.spec = spec;
    }

    /**
     * Starts the node's parts on {@code system} (whose configuration carries the generated cluster
     * layer; joining the seeds starts with the system itself).
     *
     * @param actions what the guard does when the lease expires or comes back (the target driver's fence/unfence)
     */
    public static ClusterNode start(ActorSystem<?> system, ClusterSpec spec, ClusterGuard.FenceActions actions) {
        ClusterNode node = new ClusterNode(system, spec);
        org.apache.pekko.cluster.Cluster classic = org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system));
        classic.registerOnMemberUp(() -> node.up.complete(null));
        classic.registerOnMemberRemoved(() -> node.removed.complete(null));
        system.systemActorOf(ClusterGuard.create(spec, node.lease, node.guardState, System::nanoTime,
                node.new LiveMembership(), actions), "cluster-guard", Props.empty());
        return node;
    }

    /**
     * Starts this node's {@link AluaCoordinator} for the device groups a cluster chooses owners for.
     * Call once, after {@link #start}.
     */
    public void startAlua(List<AluaOwnership.OwnedGroup> groups, AluaCoordinator.Installer installer) {
        alua = system.systemActorOf(AluaCoordinator.create(spec.self(), groups, new AluaMembers(), installer),
                "alua-coordinator", Props.empty());
    }

    /**
     * Starts this node's part of the cluster-wide configuration (docs/design/cluster.md 5.3): its
     * {@link org.scstj.cluster.config.ConfigFollower}, driving {@code participant}, and the
     * {@link org.scstj.cluster.config.ConfigAuthority} singleton's proxy. Call once, after {@link #start}.
     */
    public void startConfig(org.scstj.cluster.config.ConfigParticipant participant) {
        system.systemActorOf(org.scstj.cluster.config.ConfigFollower.create(spec.self(), participant),
                "config-follower", Props.empty());
        configAuthority = org.scstj.cluster.config.ConfigAuthority.init(system);
    }

    /**
     * Proposes {@code text} as the cluster-wide document after revision {@code base}: completes
     * once every node applied it, or none did (the outcome says which node refused).
     */
    public CompletionStage<org.scstj.cluster.config.ConfigAuthority.Outcome> proposeConfig(
            long base, String text, boolean allowDisruptive, boolean force, Duration timeout) {
        if (configAuthority == null) {
            throw new IllegalStateException("startConfig first");
        }
        return org.apache.pekko.actor.typed.javadsl.AskPattern.ask(configAuthority,
                (ActorRef<org.scstj.cluster.config.ConfigAuthority.Outcome> replyTo) ->
                        new org.scstj.cluster.config.ConfigAuthority.Propose(base, text, allowDisruptive, force,
                                spec.self(), replyTo), timeout, system.scheduler());
    }

    /** The cluster-wide document as a majority has it (empty: none written yet). */
    public CompletionStage<java.util.Optional<org.scstj.cluster.config.ConfigRecord>> readConfig(Duration timeout) {
        return org.scstj.cluster.config.ConfigAuthority.read(system, timeout);
    }

    /**
     * Hands every device group this node owns to the next owner (planned leave, docs/design/cluster.md
     * 5.5): completes once this node's demotion is in force. Completes at once without ALUA groups.
     */
    public CompletionStage<Void> handOverAlua(Duration timeout) {
        if (alua == null) {
            return CompletableFuture.completedFuture(null);
        }
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<AluaCoordinator.Command, org.apache.pekko.Done>ask(
                alua, AluaCoordinator.HandOver::new, timeout, system.scheduler()).thenApply(d -> null);
    }

    /** The device groups whose owner the cluster chooses changed (a reload). */
    public void aluaGroups(List<AluaOwnership.OwnedGroup> groups) {
        if (alua != null) {
            alua.tell(new AluaCoordinator.SetGroups(groups));
        }
    }

    /** The owners installed on this node, or null without ALUA groups. */
    public CompletionStage<AluaCoordinator.View> aluaView() {
        if (alua == null) {
            return CompletableFuture.completedFuture(null);
        }
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<AluaCoordinator.Command, AluaCoordinator.View>ask(
                alua, AluaCoordinator.GetView::new, Duration.ofSeconds(3), system.scheduler());
    }

    /**
     * Which node hosts the control entity (the single writer, docs/design/cluster.md 4) of each of
     * {@code devices}: the shard each entity id falls in (sharding's hash extractor, the number of
     * shards configured) looked up in the cluster's sharding statistics; a device whose shard is
     * not allocated now (no entity started yet, or being handed off) is left out.
     */
    public CompletionStage<java.util.Map<String, LuHost>> controlHosts(java.util.Collection<String> devices, Duration timeout) {
        int shards = system.settings().config().getInt("pekko.cluster.sharding.number-of-shards");
        org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor<Object> extractor =
                new org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor<>(shards);
        CompletionStage<org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats> stats =
                org.apache.pekko.actor.typed.javadsl.AskPattern.ask(
                        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(system).shardState(),
                        (ActorRef<org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats> replyTo) ->
                                new org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats(
                                        org.scstj.cluster.control.LuControl.KEY, timeout, replyTo),
                        timeout.plusSeconds(1), system.scheduler());
        return stats.thenApply(st -> {
            java.util.Map<String, String> hostOfShard = new java.util.HashMap<>();
            st.getRegions().forEach((address, region) -> region.getStats().keySet().forEach(shard ->
                    hostOfShard.put(shard, nameOf(address) != null ? nameOf(address) : hostPort(address))));
            java.util.Map<String, LuHost> out = new java.util.TreeMap<>();
            for (String d : devices) {
                String shard = extractor.shardId(d);
                out.put(d, new LuHost(shard, hostOfShard.get(shard)));
            }
            return out;
        });
    }

    /** @param node the node whose region hosts the shard, null when the shard is not allocated now */
    public record LuHost(String shard, String node) {
    }

    /** Completes once this node is Up (a majority of the configured nodes joined). */
    public CompletionStage<Void> up() {
        return up;
    }

    /** Completes once this node was removed from the cluster (after a leave, or when downed). */
    public CompletionStage<Void> removed() {
        return removed;
    }

    /** The lease the transports check before answering. */
    public Lease lease() {
        return lease;
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** Leaves the cluster gracefully (Leaving, Exiting, Removed); {@link #removed} completes at the end. */
    public void leave() {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Leave.create(cluster.selfMember().address()));
    }

    /**
     * Marks member {@code node} down by hand (the operator knows it is dead or fenced): the leader
     * then removes it and its shards, singletons and ALUA groups move (docs/cluster.md). False when
     * no member has that name.
     */
    public boolean down(String node) {
        Cluster cluster = Cluster.get(system);
        for (Member m : cluster.state().getMembers()) {
            if (node.equals(nameOf(m.address()))) {
                cluster.manager().tell(new org.apache.pekko.cluster.typed.Down(m.address()));
                return true;
            }
        }
        return false;
    }

    /**
     * One configured or seen member.
     *
     * @param node      its configured name, or null for a member not in the configuration
     * @param address   host:port
     * @param roles     its roles (Pekko's data-center role left out)
     * @param status    joining, weakly-up, up, leaving, exiting, down, removed
     * @param reachable whether this node's failure detector reaches it
     */
    public record MemberView(String node, String address, List<String> roles, String status, boolean reachable) {
    }

    /**
     * The cluster as this node sees it.
     *
     * @param self           this node's name
     * @param leader         the leader's node name (or address), null when there is none
     * @param members        the members, configured nodes not (or no longer) members listed as {@code absent}
     * @param fenced         whether this node is fenced now (no lease)
     * @param leaseRemaining how much lease is left
     * @param fences         how many times the lease expired while serving
     */
    public record View(String self, String leader, List<MemberView> members, boolean fenced, Duration leaseRemaining,
                       int fences, Duration lease, String failoverTiming) {
    }

    public View view() {
        Cluster cluster = Cluster.get(system);
        ClusterEvent.CurrentClusterState state = cluster.state();
        Set<Member> unreachable = state.getUnreachable();
        List<MemberView> members = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Member m : state.getMembers()) {
            String name = nameOf(m.address());
            if (name != null) {
                seen.add(name);
            }
            List<String> roles = m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList();
            members.add(new MemberView(name, hostPort(m.address()), roles, status(m.status()), !unreachable.contains(m)));
        }
        for (ClusterSpec.Node n : spec.nodes()) {
            if (!seen.contains(n.name())) {
                members.add(new MemberView(n.name(), n.host() + ":" + n.port(), n.roles(), "absent", false));
            }
        }
        Address leaderAddress = state.getLeader();
        String leader = leaderAddress == null ? null
                : nameOf(leaderAddress) != null ? nameOf(leaderAddress) : hostPort(leaderAddress);
        return new View(spec.self(), leader, List.copyOf(members), guardState.isFenced(),
                Duration.ofNanos(lease.remainingNanos()), guardState.fences(), spec.lease(), spec.timing().key());
    }

    private String nameOf(Address a) {
        if (a.host().isEmpty() || a.port().isEmpty()) {
            return null;
        }
        ClusterSpec.Node n = spec.nodeAt(a.host().get(), (Integer) a.port().get());
        return n == null ? null : n.name();
    }

    private static String hostPort(Address a) {
        return (a.host().isDefined() ? a.host().get() : "?") + ":" + (a.port().isDefined() ? a.port().get() : "?");
    }

    static String status(MemberStatus s) {
        if (s == MemberStatus.up()) {
            return "up";
        } else if (s == MemberStatus.joining()) {
            return "joining";
        } else if (s == MemberStatus.weaklyUp()) {
            return "weakly-up";
        } else if (s == MemberStatus.leaving()) {
            return "leaving";
        } else if (s == MemberStatus.exiting()) {
            return "exiting";
        } else if (s == MemberStatus.down()) {
            return "down";
        } else if (s == MemberStatus.removed()) {
            return "removed";
        }
        return s.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** The membership the ALUA coordinator derives owners from: Pekko's view from this node, configured names. */
    private final class AluaMembers implements AluaCoordinator.Members {
        @Override
        public List<String> upOldestFirst() {
            List<Member> up = new ArrayList<>();
            for (Member m : Cluster.get(system).state().getMembers()) {
                if (m.status() == MemberStatus.up() && nameOf(m.address()) != null) {
                    up.add(m);
                }
            }
            up.sort((a, b) -> a.isOlderThan(b) ? -1 : b.isOlderThan(a) ? 1 : 0);
            return up.stream().map(m -> nameOf(m.address())).toList();
        }

        @Override
        public Set<String> others() {
            Set<String> out = new HashSet<>();
            for (Member m : Cluster.get(system).state().getMembers()) {
                MemberStatus s = m.status();
                String name = nameOf(m.address());
                if (name != null && !name.equals(spec.self()) && s != MemberStatus.joining()
                        && s != MemberStatus.down() && s != MemberStatus.removed()) {
                    out.add(name);
                }
            }
            return out;
        }

        @Override
        public Set<String> unreachable() {
            Set<String> out = new HashSet<>();
            for (Member m : Cluster.get(system).state().getUnreachable()) {
                String name = nameOf(m.address());
                if (name != null) {
                    out.add(name);
                }
            }
            return out;
        }
    }

    /** The membership the guard answers pings by: Pekko's view from this node. */
    private final class LiveMembership implements ClusterGuard.Membership {
        @Override
        public boolean selfUp() {
            return Cluster.get(system).selfMember().status() == MemberStatus.up();
        }

        @Override
        public boolean isUpMember(ActorRef<?> pinger) {
            Address from = pinger.path().address();
            for (Member m : Cluster.get(system).state().getMembers()) {
                if (m.address().equals(from)) {
                    return m.status() == MemberStatus.up();
                }
            }
            return false;
        }
    }
}
