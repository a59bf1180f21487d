package org.scstj.cluster.control;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.scstj.cluster.CborSerializable;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.NexusSelector;
import org.scstj.engine.pr.PrOut;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.pr.ReservationsData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The single writer of one logical unit's control state (docs/design/cluster.md 4), a Cluster
 * Sharding entity whose id is the device name. It keeps the authoritative {@link ControlRecord},
 * runs one change at a time with the engine's own state machine ({@link Reservations}) and makes
 * it take effect in two phases:
 * <ol>
 *   <li>in parallel, the new record is written to a majority (Distributed Data, one
 *   {@link LWWRegister} per LU whose clock is the version, {@code WriteMajority}) and every
 *   subscribed node's {@link LuControlReplica} is told {@link LuControlReplica.Prepare}: its LUN
 *   actor holds new commands and aborts PREEMPT AND ABORT's tasks (SPC-5 5.14.11.4.5);</li>
 *   <li>once the write succeeded and every replica acknowledged (or its node left the cluster)
 *   the requester gets its answer (GOOD only now), then every replica gets
 *   {@link LuControlReplica.Commit}: the new state, the unit attentions, the held commands run.</li>
 * </ol>
 * A change is therefore in effect on every node that serves the LU before GOOD leaves: a RESERVE
 * acknowledged through node A conflicts at once for another initiator's WRITE through node B.
 *
 * <p>Recovery (4.3): a new incarnation reads the record from a majority, takes a new epoch and
 * writes it to a majority before it serves anything; replicas drop messages of an older epoch.
 * No change starts while a storage member that is Up has no subscribed replica (a node that just
 * (re)joined is told the state before any change can be acknowledged without it).
 *
 * <p>Power on (4.8, SPC-5 5.14.4): recovery also waits for the node's {@link ClusterIncarnation};
 * a record written in another incarnation outlived a restart of the whole cluster and is brought
 * back as {@link #powerOn} says before the new epoch is written, stamped with this incarnation.
 * Operation ids: the record keeps each requester's last applied change with its answer; a
 * {@link Submit} of that change again is answered from it, not run twice.
 */
public final class LuControl extends AbstractBehavior<LuControl.Command> {
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "lu-control");

    /** The role of the members that serve LUs and so must take part in every change. */
    public static final String STORAGE_ROLE = "storage";

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofMillis(200);

    public sealed interface Command {
    }

    /**
     * A change asked through {@code ClusteredLuControl}; answered with its result. {@code requester}
     * (one LU port on one node) and {@code opSeq} (its count of changes) identify it: the same
     * change sent again, to this writer or to the next one, is answered from the record's answers
     * and not applied twice.
     */
    public record Submit(Wire.Op op, String requester, long opSeq, ActorRef<Wire.Result> replyTo)
            implements Command, CborSerializable {
    }

    /**
     * A node's replica serves the LU: it gets the current state now and every change from now on.
     * {@code reported} is the highest version it was prepared for or committed (null: none), which
     * a recovering incarnation adopts when it is above the majority's (design 4.3).
     */
    public record Subscribe(ActorRef<LuControlReplica.Command> replica, ControlRecord reported)
            implements Command, CborSerializable {
    }

    /** A replica's acknowledgement of {@link LuControlReplica.Prepare} of version (epoch, seq). */
    public record Prepared(long epoch, long seq, ActorRef<LuControlReplica.Command> replica)
            implements Command, CborSerializable {
    }

    private record Recovered(Replicator.GetResponse<LWWRegister<ControlRecord>> response) implements Command {
    }

    private record Written(Replicator.UpdateResponse<LWWRegister<ControlRecord>> response) implements Command {
    }

    /** This node's cluster incarnation, once known. */
    private record IncarnationKnown(String incarnation) implements Command {
    }

    private record ReplicaGone(ActorRef<LuControlReplica.Command> replica) implements Command {
    }

    private enum Retry implements Command { INSTANCE }

    /** The time a recovering incarnation waits for the replicas' reports has passed. */
    private enum ReportsIn implements Command { INSTANCE }

    /** How long a new incarnation collects the replicas' reports (design 4.3). */
    private static final Duration REPORTS = Duration.ofSeconds(1);

    /** Makes the entity of LU {@code device}; {@code incarnation} is its node's {@link ClusterIncarnation}. */
    public static Behavior<Command> create(String device, ActorRef<ClusterIncarnation.Command> incarnation) {
        return Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash -> Behaviors.withTimers(timers ->
                DistributedData.<Command, LWWRegister<ControlRecord>>withReplicatorMessageAdapter(replicator ->
                        new LuControl(ctx, stash, timers, replicator, device, incarnation)))));
    }

    /** The register's clock is the record's version: a later version always wins the merge. */
    private static final LWWRegister.Clock<ControlRecord> CLOCK = (current, record) -> record.version();

    private final StashBuffer<Command> stash;
    private final TimerScheduler<Command> timers;
    private final ReplicatorMessageAdapter<Command, LWWRegister<ControlRecord>> replicator;
    private final LWWRegisterKey<ControlRecord> key;
    private final SelfUniqueAddress self;
    private final Cluster cluster;
    private final String device;
    private final Set<ActorRef<LuControlReplica.Command>> subscribers = new LinkedHashSet<>();
    private ControlRecord current;
    /** The change under way, or null. */
    private InFlight inFlight;
    private boolean recovering = true;
    /** While recovering: the majority's record once read (null: not yet), the best reported, the window. */
    private ControlRecord majorityRecord;
    private ControlRecord bestReported;
    private boolean reportsIn;
    /** The cluster incarnation (null: not known yet; recovery waits for it, design 4.8). */
    private String incarnation;

    private static final class InFlight {
        final ControlRecord next;
        final List<Wire.Notice> notices;
        final String exceptNode;
        /** The mode parameters the change installs (null: it leaves them). */
        final ModeParameters.Data mode;
        final ActorRef<Wire.Result> replyTo;
        final Set<ActorRef<LuControlReplica.Command>> awaiting;
        boolean written;

        InFlight(ControlRecord next, List<Wire.Notice> notices, String exceptNode, ModeParameters.Data mode,
                 ActorRef<Wire.Result> replyTo, Set<ActorRef<LuControlReplica.Command>> awaiting) {
            this.next = next;
            this.notices = notices;
            this.exceptNode = exceptNode;
            this.mode = mode;
            this.replyTo = replyTo;
            this.awaiting = awaiting;
        }
    }

    private LuControl(ActorContext<Command> ctx, StashBuffer<Command> stash, TimerScheduler<Command> timers,
                      ReplicatorMessageAdapter<Command, LWWRegister<ControlRecord>> replicator, String device,
                      ActorRef<ClusterIncarnation.Command> incarnation) {
        super(ctx);
        this.stash = stash;
        this.timers = timers;
        this.replicator = replicator;
        this.device = device;
        this.key = new LWWRegisterKey<>("lu-ctl-" + device);
        this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
        this.cluster = Cluster.get(ctx.getSystem());
        this.current = ControlRecord.empty(device);
        timers.startSingleTimer(ReportsIn.INSTANCE, REPORTS);
        incarnation.tell(new ClusterIncarnation.Get(ctx.messageAdapter(String.class, IncarnationKnown::new)));
        recover();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Subscribe.class, this::onSubscribe)
                .onMessage(Prepared.class, this::onPrepared)
                .onMessage(Recovered.class, this::onRecovered)
                .onMessage(Written.class, this::onWritten)
                .onMessage(ReplicaGone.class, this::onReplicaGone)
                .onMessage(Retry.class, this::onRetry)
                .onMessage(ReportsIn.class, this::onReportsIn)
                .onMessage(IncarnationKnown.class, this::onIncarnationKnown)
                .build();
    }

    // --- recovery (docs/design/cluster.md 4.3) ----------------------------------------------

    private void recover() {
        replicator.askGet(replyTo -> new Replicator.Get<>(key, new Replicator.ReadMajority(READ_TIMEOUT), replyTo),
                Recovered::new);
    }

    private Behavior<Command> onRecovered(Recovered msg) {
        if (msg.response() instanceof Replicator.GetSuccess<LWWRegister<ControlRecord>> ok) {
            majorityRecord = ok.get(key).getValue();
        } else if (msg.response() instanceof Replicator.NotFound<LWWRegister<ControlRecord>>) {
            majorityRecord = ControlRecord.empty(device);
        } else {
            getContext().getLog().warn("lu-control {}: no majority to read the record from ({}); retrying",
                    device, msg.response().getClass().getSimpleName());
            timers.startSingleTimer(Retry.INSTANCE, Duration.ofMillis(500));
            return this;
        }
        startEpochIfReady();
        return this;
    }

    private Behavior<Command> onIncarnationKnown(IncarnationKnown msg) {
        incarnation = msg.incarnation();
        startEpochIfReady();
        return this;
    }

    private Behavior<Command> onReportsIn(ReportsIn msg) {
        reportsIn = true;
        startEpochIfReady();
        return this;
    }

    /**
     * Adopt and re-propose (design 4.3): the base is the highest of the majority's record and the
     * versions the replicas report (one prepared everywhere but missed by the majority read when
     * the membership changed between write and read); the new epoch is written before serving.
     */
    private void startEpochIfReady() {
        if (majorityRecord == null || !reportsIn || !recovering || incarnation == null) {
            return;
        }
        ControlRecord base = majorityRecord;
        if (bestReported != null && bestReported.version() > base.version()) {
            getContext().getLog().info("lu-control {}: a replica reports version {}.{} above the majority's {}.{}: adopted",
                    device, bestReported.epoch(), bestReported.seq(), base.epoch(), base.seq());
            base = bestReported;
        }
        ReservationsData pr = base.pr();
        ModeParameters.Data mode = base.mode();
        long life = base.life();
        if (base.incarnation() != null && !base.incarnation().equals(incarnation)) {
            life++; // outranks every record of the lives before, whatever its epoch (ControlRecord)
            pr = powerOn(pr);
            mode = powerOn(mode);
            getContext().getLog().info("lu-control {}: the whole cluster was restarted (record of incarnation {}, now {}):"
                    + " power-on with APTPL {}, {} registration(s) kept, generation {}", device, base.incarnation(),
                    incarnation, base.pr().aptpl() ? 1 : 0, pr.registrations().size(), pr.generation());
        }
        // above every epoch this incarnation tried already (a recovery write that failed may be on some disks)
        long epoch = Math.max(base.epoch(), current.epoch()) + 1;
        if (epoch > ControlRecord.MAX_EPOCH) {
            getContext().getLog().error("lu-control {}: epoch {} is past the record's {} epochs; the LU's control state"
                    + " cannot take a new writer", device, epoch, ControlRecord.MAX_EPOCH);
            return;
        }
        current = base.at(life, epoch, 0, pr, mode, incarnation);
        write(current);
    }

    /**
     * SPC-5 5.14.4, design 4.8: at power on the registrations and the persistent reservation are
     * kept only if the last APTPL said so; PRGENERATION is not reset (no initiator may see an older
     * value again, SPC-5 6.16.2); an SPC-2 reservation never survives it (SPC-2 5.5.1).
     */
    static ReservationsData powerOn(ReservationsData pr) {
        if (pr.aptpl()) {
            return new ReservationsData(pr.registrations(), pr.generation(), pr.type(), pr.holder(), true, null);
        }
        return new ReservationsData(List.of(), pr.generation(), null, null, false, null);
    }

    /**
     * SPC-5 7.5.2: after power on the current mode parameters are the saved ones; where none were
     * saved through the cluster, each node's own start values (its defaults) are.
     */
    static ModeParameters.Data powerOn(ModeParameters.Data mode) {
        if (mode == null || mode.saved() == null) {
            return null;
        }
        return new ModeParameters.Data(mode.saved(), mode.saved());
    }

    private Behavior<Command> onRetry(Retry msg) {
        if (recovering) {
            majorityRecord = null;
            recover();
            return this;
        }
        return stash.unstashAll(this);
    }

    private void write(ControlRecord record) {
        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWRegister.create(self, record, CLOCK),
                new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo, reg -> reg.withValue(self, record, CLOCK)),
                Written::new);
    }

    // --- subscribers ------------------------------------------------------------------------

    private Behavior<Command> onSubscribe(Subscribe msg) {
        if (recovering && msg.reported() != null
                && (bestReported == null || msg.reported().version() > bestReported.version())) {
            bestReported = msg.reported();
        }
        if (recovering || inFlight != null) {
            stash.stash(msg); // a new subscriber starts from a committed version
            return this;
        }
        if (subscribers.add(msg.replica())) {
            getContext().watchWith(msg.replica(), new ReplicaGone(msg.replica()));
        }
        msg.replica().tell(new LuControlReplica.Commit(device, current, current.mode(), List.of(), null, getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onReplicaGone(ReplicaGone msg) {
        subscribers.remove(msg.replica());
        if (inFlight != null) {
            inFlight.awaiting.remove(msg.replica());
            return completeIfDone();
        }
        return this;
    }

    /** True when every Up storage member has a subscribed replica (a node without one would miss a change). */
    private boolean everyStorageMemberSubscribed() {
        Set<org.apache.pekko.actor.Address> subscribed = new HashSet<>();
        for (ActorRef<LuControlReplica.Command> r : subscribers) {
            org.apache.pekko.actor.Address a = r.path().address();
            subscribed.add(a.hasLocalScope() ? cluster.selfMember().address() : a);
        }
        for (Member m : cluster.state().getMembers()) {
            if (m.hasRole(STORAGE_ROLE) && m.status() == MemberStatus.up() && !subscribed.contains(m.address())) {
                return false;
            }
        }
        return true;
    }

    // --- changes (docs/design/cluster.md 4.4) -----------------------------------------------

    private Behavior<Command> onSubmit(Submit msg) {
        if (recovering || inFlight != null) {
            stash.stash(msg);
            return this;
        }
        ControlRecord.Answer answered = current.answers().get(msg.requester());
        if (answered != null && answered.op() >= msg.opSeq()) {
            // the change was applied already (its answer lost with the writer before): the same answer;
            // an older one than the last applied is a late copy its requester no longer waits for
            if (answered.op() == msg.opSeq()) {
                msg.replyTo().tell(answered.result());
            }
            return this;
        }
        if (!everyStorageMemberSubscribed()) {
            stash.stash(msg);
            timers.startSingleTimer(Retry.INSTANCE, RETRY);
            return this;
        }
        Reservations r = Reservations.of(current.pr());
        List<Reservations.Notice> notices = List.of();
        Nexus exceptNexus = null;
        long exceptTag = 0;
        String exceptNode = null;
        ModeParameters.Data mode = null;
        SenseReason cleared = null;
        switch (msg.op()) {
            case Wire.PrOutOp p -> {
                Reservations.Result result = r.execute(p.nexus(), p.out());
                if (result.outcome() != PrOut.Outcome.GOOD) {
                    msg.replyTo().tell(new Wire.RefusedResult(result.outcome()));
                    return this;
                }
                notices = result.notices();
                exceptNexus = p.nexus();
                exceptTag = p.tag();
            }
            case Wire.ReserveOp o -> {
                if (!r.reserve(o.nexus())) {
                    msg.replyTo().tell(new Wire.RefusedResult(PrOut.Outcome.CONFLICT));
                    return this;
                }
            }
            case Wire.ReleaseOp o -> r.release(o.nexus());
            case Wire.ResetOp o -> {
                // SAM-5 7.7: every task of the LU aborted and 29/03 for every nexus, on every node
                // (the asking node's LUN actor did both itself); SPC-5 7.5.2 the saved mode values
                // become current on every node
                r.reset();
                notices = List.of(new Reservations.Notice(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED,
                        new NexusSelector.All(), true));
                exceptNode = o.node();
                mode = o.restored();
            }
            case Wire.NexusLostOp o -> r.nexusLost(o.nexus());
            case Wire.ModeSelectOp o -> {
                ModeParameters.Data before = current.mode() != null ? current.mode() : o.before();
                mode = new ModeParameters.Data(o.values(), o.save() ? o.values() : before.saved());
                if (!o.values().equals(before.current())) {
                    // SPC-5 7.5.1: MODE PARAMETERS CHANGED for every other I_T nexus, on every node
                    notices = List.of(new Reservations.Notice(SenseReason.MODE_PARAMETERS_CHANGED,
                            new NexusSelector.AllBut(o.nexus()), false));
                }
            }
            case Wire.ClearTaskSetOp o -> {
                // SAM-5 7.5: every task of the LU but the asker's goes, on every node, with 2F/00
                // for each nexus that lost one (the asking node's LUN actor did its own)
                notices = List.of(new Reservations.Notice(null, new NexusSelector.All(), true));
                exceptNexus = o.nexus();
                exceptTag = -1;
                exceptNode = o.node();
                cleared = SenseReason.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR;
            }
        }
        ReservationsData data = r.toData();
        if (mode != null && mode.equals(current.mode())) {
            mode = null;
        }
        if (data.equals(current.pr()) && mode == null && notices.isEmpty()) {
            msg.replyTo().tell(new Wire.DoneResult()); // nothing changes: nothing to coordinate
            return this;
        }
        ControlRecord next = current.next(data, mode != null ? mode : current.mode(), msg.requester(), msg.opSeq(),
                new Wire.DoneResult());
        List<Wire.Selector> aborts = new ArrayList<>();
        List<Wire.Notice> wireNotices = new ArrayList<>();
        for (Reservations.Notice n : notices) {
            wireNotices.add(Wire.Notice.of(n));
            if (n.abortTasks()) {
                aborts.add(Wire.Selector.of(n.to()));
            }
        }
        inFlight = new InFlight(next, List.copyOf(wireNotices), exceptNode, mode, msg.replyTo(),
                new HashSet<>(subscribers));
        LuControlReplica.Prepare prepare = new LuControlReplica.Prepare(device, next,
                List.copyOf(aborts), exceptNexus, exceptTag, cleared, exceptNode, getContext().getSelf());
        subscribers.forEach(s -> s.tell(prepare));
        write(next);
        return this;
    }

    private Behavior<Command> onPrepared(Prepared msg) {
        if (inFlight != null && msg.epoch() == inFlight.next.epoch() && msg.seq() == inFlight.next.seq()) {
            inFlight.awaiting.remove(msg.replica());
            return completeIfDone();
        }
        return this;
    }

    private Behavior<Command> onWritten(Written msg) {
        boolean ok = msg.response() instanceof Replicator.UpdateSuccess;
        if (recovering) {
            if (!ok) {
                getContext().getLog().warn("lu-control {}: recovery write of epoch {} not on a majority ({}); retrying",
                        device, current.epoch(), msg.response().getClass().getSimpleName());
                timers.startSingleTimer(Retry.INSTANCE, Duration.ofMillis(500));
                return this;
            }
            recovering = false;
            getContext().getLog().info("lu-control {}: serving from epoch {} (generation {})", device,
                    current.epoch(), current.pr().generation());
            for (ActorRef<LuControlReplica.Command> s : subscribers) {
                s.tell(new LuControlReplica.Commit(device, current, current.mode(), List.of(), null, getContext().getSelf()));
            }
            return stash.unstashAll(this);
        }
        if (inFlight == null) {
            return this;
        }
        if (!ok) {
            getContext().getLog().warn("lu-control {}: version {}.{} not written on a majority ({}): the change fails",
                    device, inFlight.next.epoch(), inFlight.next.seq(), msg.response().getClass().getSimpleName());
            inFlight.replyTo.tell(new Wire.FailedResult(SenseReason.ABORTED_COMMAND));
            // the version may be on some disks and is prepared on the replicas: the state as it was
            // goes out above it, so that no later incarnation adopts the change that failed
            current = current.at(current.epoch(), inFlight.next.seq() + 1, current.pr(), current.mode(),
                    current.incarnation());
            inFlight = null;
            for (ActorRef<LuControlReplica.Command> s : subscribers) {
                s.tell(new LuControlReplica.Commit(device, current, current.mode(), List.of(), null, getContext().getSelf()));
            }
            return stash.unstashAll(this);
        }
        inFlight.written = true;
        return completeIfDone();
    }

    /** The linearization point: durable on a majority and held on every node that serves the LU. */
    private Behavior<Command> completeIfDone() {
        if (!inFlight.written || !inFlight.awaiting.isEmpty()) {
            return this;
        }
        InFlight done = inFlight;
        inFlight = null;
        current = done.next;
        done.replyTo.tell(new Wire.DoneResult());
        LuControlReplica.Commit commit = new LuControlReplica.Commit(device, current, done.mode, done.notices,
                done.exceptNode, getContext().getSelf());
        subscribers.forEach(s -> s.tell(commit));
        return stash.unstashAll(this);
    }
}
