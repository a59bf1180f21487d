package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.CopyScope;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;

/**
 * SPC-5 5.14.11.4.5: PREEMPT AND ABORT aborts the preempted nexus's tasks and completes only once
 * they have left the device.
 */
class PreemptAndAbortTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice ram = new RamBlockDevice(512, 64);
    private final TaskOrderingTest.GatedDevice device = new TaskOrderingTest.GatedDevice(ram);
    private final ModeParameters mode = new ModeParameters(true);
    private final MediumState medium = new MediumState(false);
    private final Reservations reservations = new Reservations();
    private final UnitState state = new UnitState(medium, mode, LuStates.unlimited(), reservations);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
    private long tags;

    private TaskOrderingTest.DataTask send(Nexus nexus, byte[] cdb, byte[] dataOut) {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, dataOut);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb),
                LuContexts.of(0, device, false, nexus, state))));
        return t;
    }

    /** PERSISTENT RESERVE OUT with its 24-byte parameter list: key, service action key. */
    private TaskOrderingTest.DataTask prOut(Nexus nexus, int serviceAction, long key, long saKey) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5F;
        cdb[1] = (byte) serviceAction;
        cdb[2] = 0x01;                 // scope LU, type WRITE EXCLUSIVE
        cdb[8] = 24;
        return send(nexus, cdb, ByteBuffer.allocate(24).putLong(0, key).putLong(8, saKey).array());
    }

    @Test
    void preemptAndAbort_completesOnlyOnceThePreemptedTasksLeftTheDevice() throws Exception {
        send(A, new byte[6], null).await(); // power-on unit attentions
        send(B, new byte[6], null).await();
        assertEquals(ScsiResponse.GOOD, prOut(A, 0x00, 0, 1).await().status(), "A registers key 1");
        assertEquals(ScsiResponse.GOOD, prOut(B, 0x00, 0, 2).await().status(), "B registers key 2");
        assertEquals(ScsiResponse.GOOD, prOut(A, 0x01, 1, 0).await().status(), "A reserves");

        TaskOrderingTest.DataTask victim = send(B, TaskOrderingTest.cdb16(0x88, 0, 1), null); // B may read under WE
        device.awaitPending(1);
        TaskOrderingTest.DataTask preempt = prOut(A, 0x05, 1, 2);   // PREEMPT AND ABORT B's key
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (victim.aborts == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, victim.aborts, "B's READ is aborted");
        // like TestProbe.expectNoMessage: a status would come at once if nothing held it back
        assertThrows(java.util.concurrent.TimeoutException.class,
                () -> preempt.response.get(300, java.util.concurrent.TimeUnit.MILLISECONDS),
                "no status while the aborted READ is still in the device");
        device.releaseUntilDone(preempt.response);
        assertEquals(ScsiResponse.GOOD, preempt.await().status());
        assertFalse(victim.response.isDone(), "the aborted READ never gets a status");
    }
}
