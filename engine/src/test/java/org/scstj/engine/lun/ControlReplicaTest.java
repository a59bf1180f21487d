package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.ControlReplica;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.pr.NexusSelector;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.pr.ReservationsData;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two phases of a control change kept elsewhere (docs/design/cluster.md 4.4) through the LUN
 * actor's {@link ControlReplica}: between prepare and commit new commands wait; the commit installs
 * the reservations they are then checked against and the unit attentions of this node's nexuses.
 */
class ControlReplicaTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final byte[] TUR = new byte[6];
    private static final byte[] READ_10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final TaskOrderingTest.GatedDevice device = new TaskOrderingTest.GatedDevice(new RamBlockDevice(512, 64));
    private final ModeParameters mode = new ModeParameters(true);
    private final UnitState state = new UnitState(new MediumState(false), mode, LuStates.unlimited(), new Reservations());
    private final CompletableFuture<ControlReplica> replica = new CompletableFuture<>();
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActor.create(device, CommandSets.DISK, 8, 64, state,
            (name, local, r) -> {
                replica.complete(r);
                return local;
            }));
    private long tags;

    private CompletableFuture<ScsiResponse> send(Nexus nexus, byte[] cdb) {
        return task(nexus, cdb).response;
    }

    private TaskOrderingTest.DataTask task(Nexus nexus, byte[] cdb) {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, null);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb),
                LuContexts.of(0, device, false, nexus, state))));
        return t;
    }

    @Test
    void aCommandBetweenPrepareAndCommit_isCheckedAgainstTheCommittedReservation() throws Exception {
        send(A, TUR).get(5, TimeUnit.SECONDS); // power-on unit attentions out of the way
        send(B, TUR).get(5, TimeUnit.SECONDS);
        ControlReplica r = replica.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> prepared = new CompletableFuture<>();
        r.prepare(List.of(), A, 1, null, () -> prepared.complete(null));
        prepared.get(5, TimeUnit.SECONDS);
        CompletableFuture<ScsiResponse> read = send(B, READ_10);
        Thread.sleep(200);
        assertFalse(read.isDone(), "held between prepare and commit");
        r.commit(new ReservationsData(List.of(), 0, null, null, false, A), null,
                List.of(new Reservations.Notice(SenseReason.RESERVATIONS_RELEASED, new NexusSelector.AllBut(B), false)));
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, read.get(5, TimeUnit.SECONDS).status(),
                "SPC-2 7.21: the reservation committed elsewhere holds for the command that waited");
        assertEquals("06/2A/04", TaskOrderingTest.senseOf(send(A, TUR).get(5, TimeUnit.SECONDS)),
                "the notice's unit attention, for this node's nexus it selects");
        r.prepare(List.of(), null, 0, null, () -> { });
        r.commit(null, null, List.of());
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, send(B, READ_10).get(5, TimeUnit.SECONDS).status(),
                "a commit without data leaves the reservations as they were");
    }

    @Test
    void aCommitWithModeParameters_makesThemCurrentAndSaved_andItsNoticeReachesTheOtherNexus() throws Exception {
        send(A, TUR).get(5, TimeUnit.SECONDS);
        send(B, TUR).get(5, TimeUnit.SECONDS);
        ControlReplica r = replica.get(5, TimeUnit.SECONDS);
        ModeParameters.Values dSense = new ModeParameters.Values(true, true, false, 0);
        r.prepare(List.of(), null, 0, null, () -> { });
        r.commit(null, new ModeParameters.Data(dSense, dSense), List.of(new Reservations.Notice(
                SenseReason.MODE_PARAMETERS_CHANGED, new NexusSelector.AllBut(A), false)));
        byte[] sense = send(B, TUR).get(5, TimeUnit.SECONDS).sense();
        assertEquals(0x72, sense[0] & 0x7F, "D_SENSE 1 committed: descriptor-format sense (SPC-5 4.4.2)");
        assertEquals("06/2A/01", String.format("%02X/%02X/%02X", sense[1] & 0x0F, sense[2] & 0xFF, sense[3] & 0xFF),
                "SPC-5 7.5.1: MODE PARAMETERS CHANGED for the other nexus");
        assertEquals(ScsiResponse.GOOD, send(A, TUR).get(5, TimeUnit.SECONDS).status(), "none for the one that asked");
        assertEquals(new ModeParameters.Data(dSense, dSense), mode.values(), "current and saved as committed");
        assertTrue(mode.descriptorSense());

        r.prepare(List.of(), null, 0, null, () -> { });
        r.commit(null, null, List.of());
        send(A, TUR).get(5, TimeUnit.SECONDS);
        assertEquals(new ModeParameters.Data(dSense, dSense), mode.values(), "a commit without mode values leaves them");
    }

    @Test
    void aPrepareThatClearsTheTaskSet_abortsEveryNexussTasks_and2F00GoesToThoseHitButTheAsker() throws Exception {
        send(A, TUR).get(5, TimeUnit.SECONDS);
        send(B, TUR).get(5, TimeUnit.SECONDS);
        ControlReplica r = replica.get(5, TimeUnit.SECONDS);
        TaskOrderingTest.DataTask readB = task(B, READ_10);
        device.awaitPending(1);
        CompletableFuture<Void> prepared = new CompletableFuture<>();
        r.prepare(List.of(new NexusSelector.All()), A, 0, SenseReason.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR,
                () -> prepared.complete(null));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (readB.aborts == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, readB.aborts, "SAM-5 7.5: B's task in the device is aborted");
        assertFalse(prepared.isDone(), "prepared only once the aborted task left the device");
        device.releaseAll();
        prepared.get(5, TimeUnit.SECONDS);
        r.commit(null, null, List.of());
        assertEquals("06/2F/00", TaskOrderingTest.senseOf(send(B, TUR).get(5, TimeUnit.SECONDS)),
                "COMMANDS CLEARED BY ANOTHER INITIATOR for the nexus whose task went");
        assertEquals(ScsiResponse.GOOD, send(A, TUR).get(5, TimeUnit.SECONDS).status(), "none for the nexus that cleared");
    }
}
