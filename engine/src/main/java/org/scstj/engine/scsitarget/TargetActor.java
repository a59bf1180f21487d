package org.scstj.engine.scsitarget;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.scstj.engine.actors.ActorSummary;
import org.scstj.engine.actors.Observed;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.CopyManager;
import org.scstj.engine.lu.CopyScope;
import org.scstj.engine.lu.CopyStatusTable;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.session.LunBinding;
import org.scstj.engine.session.SessionActor;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore.LoginRefusal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One exported target: its LUN mappings and security groups, and the sessions logged in to it.
 * Opens a session actor per I_T nexus with the LUN inventory that nexus's initiator may see.
 */
public final class TargetActor extends AbstractBehavior<TargetActor.Command> {

    /** The target actor's protocol. */
    public sealed interface Command {
    }

    /**
     * Opens an I_T nexus; answered with {@link Opened}. {@code aluaTargetPortGroup} is the ALUA
     * target port group (SPC-5 5.16.2.1) the nexus's portal group is in, what the core's
     * {@link Nexus#targetPortGroup} carries (the offered one is the portal group tag).
     */
    public record OpenSession(Nexus nexus, int aluaTargetPortGroup, ActorRef<Opened> replyTo) implements Command {
    }

    /** The session's actor and the nexus as the core identifies it, or why the initiator may not log in. */
    public record Opened(ActorRef<SessionActor.Command> session, Nexus nexus, LoginRefusal refusal, String message) {
    }

    private record SessionStopped(Nexus nexus, ActorRef<SessionActor.Command> session) implements Command {
    }

    /**
     * A device as the target maps it: the backend, its command set, its LU actor, the LU's state
     * (owned by that actor) and its copy manager, all shared by every target that exports the device.
     */
    public record Lu(BlockDevice device, CommandSet commands, ActorRef<LunActor.Command> actor, UnitState state,
                     CopyManager copyManager) {
        public Lu(BlockDevice device, CommandSet commands, ActorRef<LunActor.Command> actor, UnitState state) {
            this(device, commands, actor, state, new CopyManager());
        }
    }

    public static Behavior<Command> create(TargetSpec spec, Map<String, Lu> devices, Props sessionProps,
                                           Props tmfProps) {
        return Observed.actor("target",
                Behaviors.setup(ctx -> new TargetActor(ctx, spec, devices, sessionProps, tmfProps)), Describe::new);
    }

    private TargetSpec spec;
    private TargetAcl acl;
    /** The devices the engine runs, as of the last {@link Reconfigure} (management may add some). */
    private Map<String, Lu> devices;
    private List<ActorRef<LunActor.Command>> targetLuns;
    private final Props sessionProps;
    private final Props tmfProps;
    private final Map<Nexus, ActorRef<SessionActor.Command>> sessions = new HashMap<>();
    /** What each open session's initiator may see, as last given to its session actor. */
    private final Map<Nexus, List<LunMapping>> inventories = new HashMap<>();
    private long sessionCounter;

    private TargetActor(ActorContext<Command> ctx, TargetSpec spec, Map<String, Lu> devices, Props sessionProps,
                        Props tmfProps) {
        super(ctx);
        this.spec = spec;
        this.acl = new TargetAcl(spec);
        this.devices = Map.copyOf(devices);
        this.sessionProps = sessionProps;
        this.tmfProps = tmfProps;
        this.targetLuns = allLuns(spec, devices);
    }

    /** Every LU actor the target maps (nexus loss and I_T NEXUS RESET reach them all: a past inventory may have left tasks there). */
    private static List<ActorRef<LunActor.Command>> allLuns(TargetSpec spec, Map<String, Lu> devices) {
        LinkedHashSet<ActorRef<LunActor.Command>> all = new LinkedHashSet<>();
        spec.defaultLuns().forEach(m -> all.add(devices.get(m.device()).actor()));
        spec.groups().forEach(g -> g.luns().forEach(m -> all.add(devices.get(m.device()).actor())));
        return List.copyOf(all);
    }

    /**
     * New LUN mappings and groups for this target (a configuration reload, {@code ScsiEngine.reconfigure}):
     * the devices they name are in {@code devices}, which holds every device the engine runs now
     * (devices added since the target started among them). Sessions keep running; each whose
     * inventory changed is given the new one.
     */
    public record Reconfigure(TargetSpec spec, Map<String, Lu> devices, ActorRef<Reconfigured> replyTo)
            implements Command {
    }

    /**
     * The target is removed from the configuration: every session's tasks are aborted as at nexus
     * loss and the session ends ({@link SessionActor.End}); answered with {@link Removed} once all
     * are. The target then takes no login and stops when the transport closed its last session.
     */
    public record Remove(ActorRef<Removed> replyTo) implements Command {
    }

    /** The answer to {@link Remove}: the sessions that were open have ended, their tasks quiesced. */
    public record Removed(String target, int sessionsEnded) {
    }

    /** The LU actors an open nexus reaches, by its LUN numbers (empty when no such session); for the admin view. */
    public record LunsOf(Nexus nexus, ActorRef<Luns> replyTo) implements Command {
    }

    /** The answer to {@link LunsOf}. */
    public record Luns(Map<Integer, ActorRef<LunActor.Command>> luns) {
    }

    private record SessionEnded(Nexus nexus) implements Command {
    }

    /** The admin view asks what the target is doing; answered at once. */
    public record Describe(ActorRef<ActorSummary> replyTo) implements Command {
    }

    /** Set by {@link Remove}: the removal waiting for its sessions, or (once answered) a finished one. */
    private PendingRemove removal;

    private static final class PendingRemove {
        final ActorRef<Removed> replyTo;
        final java.util.Set<Nexus> waiting;
        final int sessions;
        boolean answered;

        PendingRemove(ActorRef<Removed> replyTo, java.util.Set<Nexus> waiting) {
            this.replyTo = replyTo;
            this.waiting = waiting;
            this.sessions = waiting.size();
        }
    }

    /** The answer to {@link Reconfigure}, once every session whose inventory changed has its new one. */
    public record Reconfigured(String target, int sessionsChanged) {
    }

    private record WrappedLunsUpdated(SessionActor.LunsUpdated updated) implements Command {
    }

    /** A reconfiguration waiting for its sessions' answers. */
    private record PendingReconfigure(ActorRef<Reconfigured> replyTo, int changed, java.util.Set<Nexus> waiting) {
    }

    private final Map<Long, PendingReconfigure> pendingReconfigures = new HashMap<>();
    private long reconfigureCounter;
    private ActorRef<SessionActor.LunsUpdated> lunsUpdatedAdapter;

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(OpenSession.class, this::onOpenSession)
                .onMessage(SessionStopped.class, this::onSessionStopped)
                .onMessage(Reconfigure.class, this::onReconfigure)
                .onMessage(WrappedLunsUpdated.class, this::onLunsUpdated)
                .onMessage(Remove.class, this::onRemove)
                .onMessage(SessionEnded.class, this::onSessionEnded)
                .onMessage(LunsOf.class, this::onLunsOf)
                .onMessage(Describe.class, this::onDescribe)
                .build();
    }

    private Behavior<Command> onDescribe(Describe msg) {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("target", spec.name());
        Map<String, Object> open = new java.util.TreeMap<>();
        sessions.forEach((nexus, session) -> open.put(nexus.initiatorPortName(), session.path().name()));
        d.put("sessions", open);
        d.put("lus", targetLuns.size());
        d.put("pending-reconfigurations", pendingReconfigures.size());
        if (removal != null) {
            d.put("sessions-ending", removal.waiting.size());
        }
        msg.replyTo().tell(new ActorSummary(removal != null ? "removed" : "running", d));
        return this;
    }

    private Behavior<Command> onOpenSession(OpenSession msg) {
        // SPC-5 7.7.6.4: each target port has its own relative target port identifier; this
        // target's comes from its configuration (targets are numbered in file order), so two
        // targets exporting one LU report different ports whatever the transport assumed; a target
        // reached through several portal groups has one port (and identifier) per group. The port
        // is in the ALUA target port group of its portal group (SPC-5 5.16.2.1, scstj.alua).
        Nexus offered = msg.nexus();
        if (removal != null) {
            msg.replyTo().tell(new Opened(null, null, LoginRefusal.TARGET_NOT_FOUND, spec.name() + " was removed"));
            return this;
        }
        Nexus nexus = new Nexus(offered.initiatorName(), offered.initiatorPortName(), spec.name(),
                offered.targetPortName(), spec.relativeTargetPortId(offered.targetPortGroup()), msg.aluaTargetPortGroup());
        List<LunMapping> visible = acl.lunsFor(nexus.initiatorName());
        if (visible.isEmpty()) {
            msg.replyTo().tell(new Opened(null, null, LoginRefusal.NOT_AUTHORIZED,
                    offered.initiatorName() + " may see no LUN of " + spec.name()));
            return this;
        }
        Map<Integer, LunBinding> luns = bindings(nexus, visible);
        List<ActorRef<LunActor.Command>> reachable = new ArrayList<>(targetLuns);
        ActorRef<SessionActor.Command> session = getContext().spawn(
                SessionActor.create(nexus, luns, reachable, tmfProps),
                "session-" + (++sessionCounter), sessionProps);
        getContext().watchWith(session, new SessionStopped(nexus, session));
        sessions.put(nexus, session);
        inventories.put(nexus, visible);
        msg.replyTo().tell(new Opened(session, nexus, null, null));
        return this;
    }

    /** The LUN bindings of one nexus for the mappings its initiator may see. */
    private Map<Integer, LunBinding> bindings(Nexus nexus, List<LunMapping> visible) {
        // SPC-4 6.3: an EXTENDED COPY may name only LUs this nexus may access (CopyScope)
        List<CopyScope.Target> accessible = new ArrayList<>(visible.size());
        for (LunMapping m : visible) {
            Lu lu = devices.get(m.device());
            UnitState u = lu.state();
            accessible.add(new CopyScope.Target(m.lun(), lu.device(), m.readOnly(), u.mode(), u.medium(),
                    u.wholeMedium()));
        }
        Map<Long, CopyScope.Target> copyTargets = CopyScope.byNaa(accessible);
        Map<Integer, LunBinding> luns = new HashMap<>();
        for (LunMapping m : visible) {
            Lu lu = devices.get(m.device());
            CopyScope copy = new CopyScope(copyTargets, lu.copyManager(), new CopyStatusTable());
            luns.put(m.lun(), new LunBinding(m.lun(), lu.actor(), new LuContext(m.lun(), lu.device(), lu.commands(),
                    m.readOnly(), m.readOnly(), nexus, lu.state(), copy, lu.state().stats().port(spec.name(), m.lun(), nexus.initiatorName()))));
        }
        return luns;
    }

    /**
     * SPC-5 6.33: each open session whose initiator now sees other LUNs (or the same LUNs mapped
     * to other devices, or read-only where they were not) gets its new inventory, and with it
     * REPORTED LUNS DATA HAS CHANGED on each LU it sees. A session left with nothing stays open and
     * sees no LUN (REPORT LUNS answers an empty list); new logins follow the new mapping.
     */
    private Behavior<Command> onReconfigure(Reconfigure msg) {
        spec = msg.spec();
        devices = Map.copyOf(msg.devices());
        acl = new TargetAcl(spec);
        targetLuns = allLuns(spec, devices);
        if (lunsUpdatedAdapter == null) {
            lunsUpdatedAdapter = getContext().messageAdapter(SessionActor.LunsUpdated.class, WrappedLunsUpdated::new);
        }
        long id = ++reconfigureCounter;
        java.util.Set<Nexus> waiting = new java.util.HashSet<>();
        for (Map.Entry<Nexus, ActorRef<SessionActor.Command>> e : sessions.entrySet()) {
            Nexus nexus = e.getKey();
            List<LunMapping> visible = acl.lunsFor(nexus.initiatorName());
            if (!visible.equals(inventories.get(nexus))) {
                inventories.put(nexus, visible);
                e.getValue().tell(new SessionActor.UpdateLuns(bindings(nexus, visible), targetLuns, id,
                        lunsUpdatedAdapter));
                waiting.add(nexus);
                getContext().getLog().info("{} on {}: LUN inventory changed to {}", nexus.initiatorName(),
                        spec.name(), visible);
            }
        }
        if (waiting.isEmpty()) {
            msg.replyTo().tell(new Reconfigured(spec.name(), 0));
        } else {
            pendingReconfigures.put(id, new PendingReconfigure(msg.replyTo(), waiting.size(), waiting));
        }
        return this;
    }

    private Behavior<Command> onLunsUpdated(WrappedLunsUpdated msg) {
        PendingReconfigure p = pendingReconfigures.get(msg.updated().id());
        if (p != null) {
            answered(msg.updated().id(), p, msg.updated().nexus());
        }
        return this;
    }

    /** A session answered, or stopped before it could: the reconfiguration is done when none is left. */
    private void answered(long id, PendingReconfigure p, Nexus nexus) {
        if (p.waiting().remove(nexus) && p.waiting().isEmpty()) {
            pendingReconfigures.remove(id);
            p.replyTo().tell(new Reconfigured(spec.name(), p.changed()));
        }
    }

    private Behavior<Command> onSessionStopped(SessionStopped msg) {
        if (sessions.remove(msg.nexus(), msg.session())) {
            inventories.remove(msg.nexus());
        }
        // a session that stopped before answering a reconfiguration must not hold it forever
        for (Map.Entry<Long, PendingReconfigure> e : List.copyOf(pendingReconfigures.entrySet())) {
            answered(e.getKey(), e.getValue(), msg.nexus());
        }
        if (removal != null) {
            ended(msg.nexus());
            if (sessions.isEmpty()) {
                return Behaviors.stopped(); // removed, and the transport closed the last session
            }
        }
        return this;
    }

    /**
     * The target is gone from the configuration: each session aborts its tasks on every LU the
     * target maps (as at nexus loss, SAM-5 6.3.4) and from then on answers its transport as a
     * closing nexus does (commands aborted, task management rejected) until the transport closes it.
     */
    private Behavior<Command> onRemove(Remove msg) {
        removal = new PendingRemove(msg.replyTo(), new java.util.HashSet<>(sessions.keySet()));
        ActorRef<Command> self = getContext().getSelf();
        for (Map.Entry<Nexus, ActorRef<SessionActor.Command>> e : sessions.entrySet()) {
            Nexus nexus = e.getKey();
            e.getValue().tell(new SessionActor.End(() -> self.tell(new SessionEnded(nexus))));
        }
        getContext().getLog().info("target {} removed: ending {} sessions", spec.name(), sessions.size());
        ended(null);
        return sessions.isEmpty() ? Behaviors.stopped() : this;
    }

    private Behavior<Command> onSessionEnded(SessionEnded msg) {
        ended(msg.nexus());
        return this;
    }

    /** One session of a removed target ended (or stopped): the removal is answered once none is left. */
    private void ended(Nexus nexus) {
        if (nexus != null) {
            removal.waiting.remove(nexus);
        }
        if (removal.waiting.isEmpty() && !removal.answered) {
            removal.answered = true;
            removal.replyTo.tell(new Removed(spec.name(), removal.sessions));
        }
    }

    private Behavior<Command> onLunsOf(LunsOf msg) {
        List<LunMapping> visible = inventories.get(msg.nexus());
        Map<Integer, ActorRef<LunActor.Command>> luns = new HashMap<>();
        if (visible != null) {
            visible.forEach(m -> luns.put(m.lun(), devices.get(m.device()).actor()));
        }
        msg.replyTo().tell(new Luns(Map.copyOf(luns)));
        return this;
    }
}
