package org.scstj.cluster.control;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.scstj.engine.exec.ControlPlane;
import org.scstj.engine.exec.ControlReplica;
import org.scstj.engine.exec.LuControlPort;

/**
 * The control plane of a cluster node (docs/design/cluster.md 4): each LU's reservations are kept
 * by its {@link LuControl} entity, wherever sharding runs it (on a {@code storage} member), and
 * this node's LUN actors hold replicas driven by the node's {@link LuControlReplica}. Mode
 * parameters and access states stay with each node's LUN actor (not yet kept by the entity).
 */
public final class ClusteredControlPlane implements ControlPlane {
    private final ClusterSharding sharding;
    private final ActorRef<LuControlReplica.Command> replica;
    private final String node;
    private final ActorRef<ClusterIncarnation.Command> incarnation;

    /** Starts sharding of {@link LuControl} and this node's replica on {@code system} (a cluster node). */
    public ClusteredControlPlane(ActorSystem<?> system) {
        // every node's replicator takes part in the entity's majority reads and writes: start it
        // here (the extension starts on first use, and a node that hosts no entity never uses it)
        DistributedData.get(system).replicator();
        this.sharding = ClusterSharding.get(system);
        this.incarnation = system.systemActorOf(ClusterIncarnation.create(),
                "cluster-incarnation", Props.empty());
        sharding.init(Entity.of(LuControl.KEY, ctx -> LuControl.create(ctx.getEntityId(), incarnation))
                .withRole(LuControl.STORAGE_ROLE));
        this.node = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString();
        this.replica = system.systemActorOf(LuControlReplica.create(incarnation), "lu-control-replica", Props.empty());
    }

    /** This node's {@link ClusterIncarnation}. */
    ActorRef<ClusterIncarnation.Command> incarnation() {
        return incarnation;
    }

    @Override
    public LuControlPort port(String device, LuControlPort local, ControlReplica lun) {
        replica.tell(new LuControlReplica.Register(device, lun));
        return new ClusteredLuControl(sharding.entityRefFor(LuControl.KEY, device), local, node);
    }
}
