package org.scstj.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.cluster.CborSerializable;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ControlReplica;
import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.exec.LuControlPort;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.NexusSelector;
import org.scstj.engine.pr.PrOut;
import org.scstj.engine.pr.PrType;
import org.scstj.engine.pr.Registrant;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.pr.ReservationsData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The single writer and this node's replica on a one-member cluster (docs/design/cluster.md 4.4):
 * a change reaches the requester only after the replica acknowledged its prepare, the replica
 * then gets the committed reservations; a refused change touches nothing; every message that
 * crosses nodes goes through CBOR and back unchanged.
 */
class LuControlTest {
    private static final ActorTestKit kit = ActorTestKit.create("lucontrol", ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.roles = [storage]
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.actor.serialization-bindings { "org.scstj.cluster.CborSerializable" = jackson-cbor }
            pekko.cluster.sharding.role = storage
            pekko.cluster.sharding.passivation.strategy = none
            pekko.cluster.sharding.retry-interval = 500ms
            """).withFallback(ConfigFactory.load()));
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x2", 2, 2);
    private static final ClusteredControlPlane plane;
    private static final ModeParameters.Values PLAIN = new ModeParameters.Values(true, false, false, 0);
    private static final ModeParameters.Values D_SENSE = new ModeParameters.Values(true, true, false, 0);
    private static final ModeParameters.Data MODE = new ModeParameters.Data(PLAIN, D_SENSE);

    static {
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        plane = new ClusteredControlPlane(kit.system());
    }

    @AfterAll
    static void shutdown() {
        ActorTestKit.shutdown(kit.system(), java.time.Duration.ofSeconds(30), false); // leaving the cluster
    }

    /** A LUN actor's replica that records the phases in order. */
    private static final class Recorder implements ControlReplica {
        final List<String> events = new ArrayList<>();
        volatile ReservationsData installed;
        volatile ModeParameters.Data mode;
        volatile List<Reservations.Notice> notices = List.of();

        @Override
        public synchronized void prepare(List<NexusSelector> abort, Nexus exceptNexus, long exceptTag, SenseReason cleared,
                                         Runnable prepared) {
            events.add("prepare" + abort.size() + (cleared == null ? "" : " " + cleared.name()));
            prepared.run();
        }

        @Override
        public synchronized void commit(ReservationsData data, ModeParameters.Data mode, List<Reservations.Notice> notices) {
            events.add("commit" + notices.size());
            installed = data;
            if (mode != null) {
                this.mode = mode;
            }
            this.notices = notices;
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }
    }

    /**
     * The commit to the replicas follows the answer to the requester (a LUN actor holds its
     * commands until it arrives); the recorder waits for it.
     */
    private static void awaitCommits(Recorder replica, int commits) throws InterruptedException {
        for (int i = 0; i < 500 && replica.events().stream().filter(e -> e.startsWith("commit")).count() < commits; i++) {
            Thread.sleep(10);
        }
    }

    /**
     * The replica's first commit (the answer to its subscription; a subscription sent again while
     * the entity recovers is answered once more, right after): from then on, one commit per change.
     */
    private static int subscribed(Recorder replica) throws InterruptedException {
        awaitCommits(replica, 1);
        Thread.sleep(1500);
        return commits(replica);
    }

    private static int commits(Recorder replica) {
        return (int) replica.events().stream().filter(e -> e.startsWith("commit")).count();
    }

    private static ControlResult submit(LuControlPort port, ControlOp op) throws Exception {
        CompletableFuture<ControlResult> result = new CompletableFuture<>();
        port.submit(op, result::complete);
        return result.get(20, TimeUnit.SECONDS);
    }

    private static PrOut prOut(int action, int type, long key, long serviceActionKey) {
        return new PrOut(action, 0, type, key, serviceActionKey, false, false, false, List.of(), false, 0);
    }

    @Test
    void reserve_isCommittedToTheReplicaAfterItsPrepare_andConflictsForAnotherNexus() throws Exception {
        Recorder replica = new Recorder();
        LuControlPort port = plane.port("disk-a", (op, done) -> done.accept(ControlResult.DONE), replica);

        int c = subscribed(replica);
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.Reserve(A)));
        awaitCommits(replica, c + 1);
        assertEquals(A, replica.installed.spc2Holder());
        List<String> events = replica.events();
        assertEquals(List.of("prepare0", "commit0"), events.subList(events.size() - 2, events.size()));

        assertInstanceOf(ControlResult.Refused.class, submit(port, new ControlOp.Reserve(B)),
                "SPC-2 7.21: another nexus's RESERVE conflicts");
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.Release(B)), "SPC-2 7.17: nothing released");
        assertEquals(A, replica.installed.spc2Holder());
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.Release(A)));
        awaitCommits(replica, c + 2);
        assertNull(replica.installed.spc2Holder());
    }

    @Test
    void persistentReserveOut_generationAndNoticesReachTheReplica() throws Exception {
        Recorder replica = new Recorder();
        LuControlPort port = plane.port("disk-b", (op, done) -> done.accept(ControlResult.DONE), replica);

        int c = subscribed(replica);
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.PrOut(A, 1, prOut(PrOut.REGISTER, 0, 0, 0xA))));
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.PrOut(B, 2, prOut(PrOut.REGISTER, 0, 0, 0xB))));
        awaitCommits(replica, c + 2);
        assertEquals(2, replica.installed.generation(), "SPC-5 6.16.2: each REGISTER adds one to PRGENERATION");
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.PrOut(A, 3,
                prOut(PrOut.RESERVE, PrType.WRITE_EXCLUSIVE.code(), 0xA, 0))));
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.PrOut(B, 4,
                prOut(PrOut.PREEMPT_AND_ABORT, PrType.WRITE_EXCLUSIVE.code(), 0xB, 0xA))));
        awaitCommits(replica, c + 4);
        List<String> events = replica.events();
        assertEquals("prepare1", events.get(events.size() - 2), "PREEMPT AND ABORT aborts on every node in phase 1");
        assertTrue(events.get(events.size() - 1).startsWith("commit"));
        assertFalse(events.get(events.size() - 1).equals("commit0"), "the preempted nexus's unit attentions");
        assertEquals(1, replica.installed.registrations().size());
        assertInstanceOf(ControlResult.Refused.class, submit(port, new ControlOp.PrOut(A, 5,
                prOut(PrOut.RESERVE, PrType.WRITE_EXCLUSIVE.code(), 0xA, 0))), "A's key was preempted");
    }

    @Test
    void replica_dropsAnOlderEpoch_andSkipsWhatTheAskingNodeDidItself() throws Exception {
        Recorder lun = new Recorder();
        ActorRef<LuControlReplica.Command> replica = kit.spawn(LuControlReplica.create(plane.incarnation()));
        replica.tell(new LuControlReplica.Register("disk-c", lun));
        int c = subscribed(lun); // the entity's answer to the subscription: epoch 1
        ActorRef<LuControl.Command> stale = kit.createTestProbe(LuControl.Command.class).getRef();
        ReservationsData reserved = new ReservationsData(List.of(), 0, null, null, false, A);

        replica.tell(new LuControlReplica.Commit("disk-c", new ControlRecord("disk-c", 0, 9, reserved, null, null, 0, java.util.Map.of()), null, List.of(), null, stale));
        replica.tell(new LuControlReplica.Commit("disk-c", new ControlRecord("disk-c", 7, 0, ReservationsData.EMPTY, null, null, 0, java.util.Map.of()),
                null, List.of(new Wire.Notice(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED, new Wire.AllSelector(), true)),
                Cluster.get(kit.system()).selfMember().address().toString(), stale));
        awaitCommits(lun, c + 1);
        Thread.sleep(200);
        assertEquals("commit0", lun.events().get(lun.events().size() - 1),
                "epoch 0 dropped (design 4.3); epoch 7's notice skipped on the node that asked");
        assertEquals(c + 1, commits(lun));
        assertNull(lun.installed.spc2Holder());

        // a later message of the superseded epoch 1 (the real entity's) changes nothing either
        replica.tell(new LuControlReplica.Commit("disk-c", new ControlRecord("disk-c", 1, 5, reserved, null, null, 0, java.util.Map.of()), null, List.of(), null, stale));
        Thread.sleep(200);
        assertEquals(c + 1, commits(lun));
    }

    @Test
    void recovery_adoptsAReplicasVersionAboveTheMajoritys_underANewEpoch() {
        org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<LuControlReplica.Command> replica =
                kit.createTestProbe(LuControlReplica.Command.class);
        ReservationsData reserved = new ReservationsData(List.of(), 4, null, null, false, A);
        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(kit.system())
                .entityRefFor(LuControl.KEY, "disk-d")
                .tell(new LuControl.Subscribe(replica.getRef(), new ControlRecord("disk-d", 5, 3, reserved, null, null, 0, java.util.Map.of())));
        LuControlReplica.Commit first = replica.expectMessageClass(LuControlReplica.Commit.class,
                java.time.Duration.ofSeconds(15));
        assertEquals(6, first.record().epoch(), "design 4.3: a new epoch above every version seen");
        assertEquals(0, first.record().seq());
        assertEquals(reserved, first.record().pr(), "the version a replica was prepared for is adopted, not lost");
    }

    /** Writes {@code record} as the LU's register on this node, as a previous life of the cluster left it. */
    /** The register as replicas' copies of {@code records} merge into it (the highest version wins). */
    private static void mergedOnDisks(ControlRecord... records) throws Exception {
        org.apache.pekko.cluster.ddata.SelfUniqueAddress self =
                org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData.get(kit.system()).selfUniqueAddress();
        org.apache.pekko.cluster.ddata.LWWRegister.Clock<ControlRecord> clock = (c, r) -> r.version();
        org.apache.pekko.cluster.ddata.LWWRegister<ControlRecord> merged = null;
        for (ControlRecord r : records) {
            org.apache.pekko.cluster.ddata.LWWRegister<ControlRecord> one =
                    org.apache.pekko.cluster.ddata.LWWRegister.create(self, r, clock);
            merged = merged == null ? one : merged.merge(one);
        }
        org.apache.pekko.cluster.ddata.LWWRegister<ControlRecord> value = merged;
        org.apache.pekko.cluster.ddata.LWWRegisterKey<ControlRecord> key =
                new org.apache.pekko.cluster.ddata.LWWRegisterKey<>("lu-ctl-" + records[0].device());
        Object answer = org.apache.pekko.actor.typed.javadsl.AskPattern.<org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.Command,
                org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.UpdateResponse<org.apache.pekko.cluster.ddata.LWWRegister<ControlRecord>>>ask(
                org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData.get(kit.system()).replicator(),
                replyTo -> new org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.Update<>(key, value,
                        org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.writeLocal(), replyTo, r -> r.merge(value)),
                java.time.Duration.ofSeconds(10), kit.scheduler()).toCompletableFuture().get();
        assertInstanceOf(org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.UpdateSuccess.class, answer);
    }

    /**
     * The ClusterDurabilityTest failure of 2026-12-07: a writer of the last life reached epoch 5 on
     * one disk while the cluster stopped; the power-on writer of this life read a majority without it
     * and wrote epoch 4 with this life's registrations. A later recovery must keep this life's record
     * (the higher life), not take the stale epoch 5 and apply a second power-on that loses them.
     */
    @Test
    void aRecordOfThisLife_outranksAHigherEpochOfTheLifeBefore() throws Exception {
        Registrant ra = Registrant.of(A, false);
        ReservationsData now = new ReservationsData(List.of(new Reservations.Registration(ra, 0xA4)), 9,
                PrType.WRITE_EXCLUSIVE, ra, false, null);
        ControlRecord thisLife = new ControlRecord("disk-p3", 4, 3, now, null, incarnation(), 1, java.util.Map.of());
        ControlRecord stale = new ControlRecord("disk-p3", 5, 0, ReservationsData.EMPTY, null, "a-previous-life", 0,
                java.util.Map.of());
        mergedOnDisks(stale, thisLife);
        ControlRecord recovered = recovered("disk-p3").record();
        assertEquals(now, recovered.pr(), "this life's registrations and reservation, no second power-on");
        assertEquals(1, recovered.life());
        assertEquals(5, recovered.epoch(), "above the record it recovered");
    }

    private static void previousLife(ControlRecord record) throws Exception {
        org.apache.pekko.cluster.ddata.SelfUniqueAddress self =
                org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData.get(kit.system()).selfUniqueAddress();
        org.apache.pekko.cluster.ddata.LWWRegisterKey<ControlRecord> key =
                new org.apache.pekko.cluster.ddata.LWWRegisterKey<>("lu-ctl-" + record.device());
        org.apache.pekko.cluster.ddata.LWWRegister.Clock<ControlRecord> clock = (c, r) -> r.version();
        Object answer = org.apache.pekko.actor.typed.javadsl.AskPattern.<org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.Command,
                org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.UpdateResponse<org.apache.pekko.cluster.ddata.LWWRegister<ControlRecord>>>ask(
                org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData.get(kit.system()).replicator(),
                replyTo -> new org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.Update<>(key,
                        org.apache.pekko.cluster.ddata.LWWRegister.create(self, record, clock),
                        org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.writeLocal(), replyTo,
                        r -> r.withValue(self, record, clock)),
                java.time.Duration.ofSeconds(10), kit.scheduler()).toCompletableFuture().get();
        assertInstanceOf(org.apache.pekko.cluster.ddata.typed.javadsl.Replicator.UpdateSuccess.class, answer);
    }

    private static LuControlReplica.Commit recovered(String device) {
        org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<LuControlReplica.Command> replica =
                kit.createTestProbe(LuControlReplica.Command.class);
        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(kit.system())
                .entityRefFor(LuControl.KEY, device).tell(new LuControl.Subscribe(replica.getRef(), null));
        return replica.expectMessageClass(LuControlReplica.Commit.class, java.time.Duration.ofSeconds(15));
    }

    private static String incarnation() throws Exception {
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<ClusterIncarnation.Command, String>ask(plane.incarnation(),
                ClusterIncarnation.Get::new, java.time.Duration.ofSeconds(15), kit.scheduler()).toCompletableFuture().get();
    }

    @Test
    void recoveryAfterAWholeClusterRestart_aptpl0_clearsRegistrationsAndReservations_keepsTheGeneration() throws Exception {
        Registrant ra = Registrant.of(A, false);
        ReservationsData before = new ReservationsData(List.of(new Reservations.Registration(ra, 0xA)), 5,
                PrType.WRITE_EXCLUSIVE, ra, false, B);
        previousLife(new ControlRecord("disk-p0", 3, 2, before, null, "a-previous-life", 0, java.util.Map.of()));

        LuControlReplica.Commit first = recovered("disk-p0");
        assertEquals(new ReservationsData(List.of(), 5, null, null, false, null), first.record().pr(),
                "SPC-5 5.14.4: APTPL 0, power on: nothing registered or reserved; PRGENERATION not reset");
        assertEquals(incarnation(), first.record().incarnation(), "stamped with this life of the cluster");
        assertEquals(4, first.record().epoch());
        assertEquals(1, first.record().life(), "the next life: it outranks any record of the one before");
    }

    @Test
    void recoveryAfterAWholeClusterRestart_aptpl1_keepsPersistentReservations_notSpc2s() throws Exception {
        Registrant ra = Registrant.of(A, false);
        ReservationsData before = new ReservationsData(List.of(new Reservations.Registration(ra, 0xA)), 5,
                PrType.WRITE_EXCLUSIVE, ra, true, B);
        previousLife(new ControlRecord("disk-p1", 3, 2, before, MODE, "a-previous-life", 0, java.util.Map.of()));

        LuControlReplica.Commit first = recovered("disk-p1");
        assertEquals(new ReservationsData(before.registrations(), 5, PrType.WRITE_EXCLUSIVE, ra, true, null),
                first.record().pr(), "APTPL 1: kept across the power loss; an SPC-2 reservation never is (SPC-2 5.5.1)");
        assertEquals(incarnation(), first.record().incarnation());
        assertEquals(new ModeParameters.Data(D_SENSE, D_SENSE), first.mode(),
                "SPC-5 7.5.2: after power on the saved mode values are the current ones, on every node");
    }

    @Test
    void recoveryInTheSameIncarnation_keepsEverything() throws Exception {
        Registrant ra = Registrant.of(A, false);
        ReservationsData before = new ReservationsData(List.of(new Reservations.Registration(ra, 0xA)), 5,
                PrType.WRITE_EXCLUSIVE, ra, false, B);
        previousLife(new ControlRecord("disk-p2", 3, 2, before, null, incarnation(), 0, java.util.Map.of()));
        assertEquals(before, recovered("disk-p2").record().pr(), "a failover or partial restart is no power loss");
    }

    @Test
    void modeSelect_isKeptByTheWriter_2A01WhenTheCurrentValuesChange_andAResetMakesTheSavedCurrent() throws Exception {
        Recorder replica = new Recorder();
        LuControlPort port = plane.port("disk-m", (op, done) -> done.accept(ControlResult.DONE), replica);
        int c = subscribed(replica);
        assertNull(replica.mode, "no mode values kept yet: the node keeps its own");

        ModeParameters.Data defaults = new ModeParameters.Data(PLAIN, null);
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.ModeSelect(A, D_SENSE, true, defaults)));
        awaitCommits(replica, c + 1);
        assertEquals(new ModeParameters.Data(D_SENSE, D_SENSE), replica.mode, "SP 1: saved and current");
        assertEquals(List.of(new Reservations.Notice(SenseReason.MODE_PARAMETERS_CHANGED, new NexusSelector.AllBut(A),
                false)), replica.notices, "SPC-5 7.5.1: 2A/01 for every other nexus, on every node");

        assertEquals(ControlResult.DONE, submit(port, new ControlOp.ModeSelect(B, D_SENSE, false, defaults)));
        Thread.sleep(300);
        assertEquals(c + 1, commits(replica), "the same values again: nothing changes, no unit attention");

        assertEquals(ControlResult.DONE, submit(port, new ControlOp.ModeSelect(B, PLAIN, false, defaults)));
        awaitCommits(replica, c + 2);
        assertEquals(new ModeParameters.Data(PLAIN, D_SENSE), replica.mode,
                "SP 0: current only; the writer's saved values, not the asking node's, stay saved");
        assertEquals(new NexusSelector.AllBut(B), replica.notices.getFirst().to());

        assertEquals(ControlResult.DONE, submit(port, new ControlOp.Reset(true, new ModeParameters.Data(D_SENSE, D_SENSE))));
        awaitCommits(replica, c + 3);
        assertEquals(new ModeParameters.Data(D_SENSE, D_SENSE), replica.mode,
                "SPC-5 7.5.2: after a logical unit reset the saved values are current on every node");
    }

    @Test
    void clearTaskSet_abortsEverywhereButTheAskingNode_with2F00ForTheNexusesHit() throws Exception {
        Recorder replica = new Recorder();
        LuControlPort port = plane.port("disk-t", (op, done) -> done.accept(ControlResult.DONE), replica);
        int c = subscribed(replica);
        assertEquals(ControlResult.DONE, submit(port, new ControlOp.ClearTaskSet(A)));
        awaitCommits(replica, c + 1);
        List<String> events = replica.events();
        assertEquals(List.of("prepare0 COMMANDS_CLEARED_BY_ANOTHER_INITIATOR", "commit0"),
                events.subList(events.size() - 2, events.size()),
                "the asking node cleared its own tasks; it only holds, and is told no unit attention twice");

        // another node's replica, as the writer's Prepare reaches it: it aborts and raises 2F/00
        Recorder other = new Recorder();
        ActorRef<LuControlReplica.Command> otherReplica = kit.spawn(LuControlReplica.create(plane.incarnation()));
        otherReplica.tell(new LuControlReplica.Register("disk-t2", other));
        ActorRef<LuControl.Command> entity = kit.createTestProbe(LuControl.Command.class).getRef();
        otherReplica.tell(new LuControlReplica.Prepare("disk-t2", new ControlRecord("disk-t2", 9, 1,
                ReservationsData.EMPTY, null, null, 0, java.util.Map.of()), List.of(new Wire.AllSelector()), A, -1,
                SenseReason.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR, "pekko://scstj@127.0.0.9:2552", entity));
        for (int i = 0; i < 500 && other.events().stream().noneMatch(e -> e.startsWith("prepare1")); i++) {
            Thread.sleep(10);
        }
        assertTrue(other.events().contains("prepare1 COMMANDS_CLEARED_BY_ANOTHER_INITIATOR"), other.events().toString());
    }

    @Test
    void aChangeSentAgain_isAnsweredFromTheRecord_notAppliedTwice() throws Exception {
        Recorder replica = new Recorder();
        plane.port("disk-dup", (op, done) -> done.accept(ControlResult.DONE), replica);
        int c = subscribed(replica);
        org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<LuControl.Command> entity =
                org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(kit.system())
                        .entityRefFor(LuControl.KEY, "disk-dup");
        Wire.Op register = new Wire.PrOutOp(A, 1, prOut(PrOut.REGISTER, 0, 0, 0xA));
        java.util.function.LongFunction<Wire.Result> send = seq -> entity.<Wire.Result>ask(
                replyTo -> new LuControl.Submit(register, "n1/test", seq, replyTo), java.time.Duration.ofSeconds(15))
                .toCompletableFuture().join();

        assertEquals(new Wire.DoneResult(), send.apply(1));
        awaitCommits(replica, c + 1);
        assertEquals(1, replica.installed.generation());
        assertEquals(new Wire.DoneResult(), send.apply(1), "the same change again: its answer, from the record");
        Thread.sleep(300);
        assertEquals(c + 1, commits(replica), "not applied twice");
        assertEquals(1, replica.installed.generation());
        assertEquals(new Wire.RefusedResult(PrOut.Outcome.CONFLICT), send.apply(2),
                "a new change with the same content is run: A is registered now, reservation key 0 conflicts");
    }

    @Test
    void aChangeNotAnswered_isSentAgainWithTheSameId_andEndsWithTheAnswerToTheCopy() throws Exception {
        org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<LuControl.Command> writer =
                kit.createTestProbe(LuControl.Command.class);
        ClusteredLuControl port = new ClusteredLuControl(
                org.apache.pekko.cluster.sharding.typed.testkit.javadsl.TestEntityRef.of(LuControl.KEY, "disk-r",
                        writer.getRef()), (op, done) -> done.accept(ControlResult.DONE), "pekko://scstj@127.0.0.1:1");
        CompletableFuture<ControlResult> first = new CompletableFuture<>();
        CompletableFuture<ControlResult> second = new CompletableFuture<>();
        port.submit(new ControlOp.Reserve(A), first::complete);
        port.submit(new ControlOp.Release(A), second::complete);

        LuControl.Submit sent = writer.expectMessageClass(LuControl.Submit.class);
        // the writer's node dies with it: no answer; the port sends the same change again
        LuControl.Submit again = writer.expectMessageClass(LuControl.Submit.class, java.time.Duration.ofSeconds(10));
        assertEquals(sent.requester(), again.requester());
        assertEquals(sent.opSeq(), again.opSeq());
        assertEquals(new Wire.ReserveOp(A), again.op());
        assertFalse(first.isDone());
        again.replyTo().tell(new Wire.DoneResult());
        assertEquals(ControlResult.DONE, first.get(10, TimeUnit.SECONDS));

        // one change at a time: the release went out only now, as the next change
        LuControl.Submit release = writer.expectMessageClass(LuControl.Submit.class);
        assertEquals(new Wire.ReleaseOp(A), release.op());
        assertEquals(sent.opSeq() + 1, release.opSeq());
        release.replyTo().tell(new Wire.RefusedResult(PrOut.Outcome.CONFLICT));
        assertEquals(new ControlResult.Refused(PrOut.Outcome.CONFLICT), second.get(10, TimeUnit.SECONDS));
    }

    @Test
    void everyMessageBetweenNodes_survivesCbor() {
        Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
        ActorRef<LuControl.Command> entity = kit.createTestProbe(LuControl.Command.class).getRef();
        ActorRef<LuControlReplica.Command> replica = kit.createTestProbe(LuControlReplica.Command.class).getRef();
        ActorRef<Wire.Result> result = kit.createTestProbe(Wire.Result.class).getRef();
        Registrant ra = Registrant.of(A, false);
        ReservationsData data = new ReservationsData(List.of(new Reservations.Registration(ra, 0xA)), 7,
                PrType.WRITE_EXCLUSIVE, ra, true, B);
        List<CborSerializable> messages = List.of(
                new LuControl.Submit(new Wire.PrOutOp(A, 9, new PrOut(PrOut.REGISTER_AND_MOVE, 0, 1, 1, 2, false, false,
                        true, List.of(Registrant.of(B, false)), true, 2)), "n1/r", 1, result),
                new LuControl.Submit(new Wire.ReserveOp(A), "n1/r", 2, result),
                new LuControl.Submit(new Wire.ResetOp("pekko://scstj@127.0.0.1:2552", MODE), "n2/r", 7, result),
                new LuControl.Submit(new Wire.ResetOp("pekko://scstj@127.0.0.1:2552", null), "n2/r", 8, result),
                new LuControl.Submit(new Wire.ModeSelectOp(A, new ModeParameters.Values(false, true, true, 2), true,
                        new ModeParameters.Data(new ModeParameters.Values(true, false, false, 0), null)), "n2/r", 9, result),
                new LuControl.Submit(new Wire.ClearTaskSetOp(B, "pekko://scstj@127.0.0.3:2552"), "n3/r", 1, result),
                new LuControl.Subscribe(replica, new ControlRecord("d", 2, 3, data, null, null, 0, java.util.Map.of())),
                new LuControl.Subscribe(replica, null),
                new LuControl.Prepared(3, 4, replica),
                new LuControlReplica.Prepare("d", new ControlRecord("d", 3, 4, data, null, null, 0, java.util.Map.of()), List.of(new Wire.AllSelector(), new Wire.AllButSelector(A),
                        new Wire.RegisteredSelector(List.of(ra), null)), A, 9, SenseReason.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR,
                        null, entity),
                new LuControlReplica.Commit("d", new ControlRecord("d", 3, 4, data, MODE, null, 0, java.util.Map.of()), MODE,
                        List.of(new Wire.Notice(SenseReason.RESERVATIONS_PREEMPTED, new Wire.AllButSelector(B), true)),
                        "pekko://scstj@127.0.0.2:2552", entity),
                new ControlRecord("d", 1, 0, ReservationsData.EMPTY, null, null, 0, java.util.Map.of()),
                new ControlRecord("d", 1, 0, data, null, "c0ffee", 0, java.util.Map.of("n1/r",
                        new ControlRecord.Answer(3, new Wire.DoneResult(), 1))),
                new Wire.DoneResult(), new Wire.RefusedResult(PrOut.Outcome.CONFLICT),
                new Wire.FailedResult(SenseReason.ABORTED_COMMAND));
        for (CborSerializable m : messages) {
            byte[] bytes = serialization.serialize(m).get();
            Object back = serialization.deserialize(bytes, serialization.findSerializerFor(m).identifier(),
                    Serializers.manifestFor(serialization.findSerializerFor(m), m)).get();
            assertEquals(m, back);
        }
    }
}
