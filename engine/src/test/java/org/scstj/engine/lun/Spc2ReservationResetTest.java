package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-2 5.5.1 through the LUN actor and its control port: RESERVE excludes the other nexuses; the
 * holder's nexus loss and a logical unit reset end the reservation.
 */
class Spc2ReservationResetTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final byte[] TUR = new byte[6];
    private static final byte[] RESERVE_6 = {0x16, 0, 0, 0, 0, 0};
    private static final byte[] READ_10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64);
    private final Reservations reservations = new Reservations();
    private final UnitState state = new UnitState(new MediumState(false), new ModeParameters(true),
            LuStates.unlimited(), reservations);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
    private long tags;

    private ScsiResponse send(Nexus nexus, byte[] cdb) throws Exception {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, null);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb),
                LuContexts.of(0, device, false, nexus, state))));
        return t.await();
    }

    private void abort(LunActor.Scope scope, Nexus nexus) {
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(scope, nexus, 0, probe.getRef()));
        probe.receiveMessage();
    }

    @Test
    void theHoldersNexusLoss_andALogicalUnitReset_endTheReservation() throws Exception {
        send(A, TUR); // power-on unit attentions out of the way
        send(B, TUR);
        assertEquals(ScsiResponse.GOOD, send(A, RESERVE_6).status());
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, send(B, READ_10).status());
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, send(B, RESERVE_6).status());
        assertEquals(A, reservations.spc2Holder());

        abort(LunActor.Scope.NEXUS_LOSS, A);
        assertEquals(null, reservations.spc2Holder());
        assertEquals(ScsiResponse.GOOD, send(B, READ_10).status());

        assertEquals(ScsiResponse.GOOD, send(B, RESERVE_6).status());
        // A's nexus is a new one: its unit attention comes before any conflict (SAM-5 5.14 order)
        assertEquals("06/", TaskOrderingTest.senseOf(send(A, TUR)).substring(0, 3));
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, send(A, READ_10).status());
        abort(LunActor.Scope.RESET, B);
        assertEquals("06/29/03", TaskOrderingTest.senseOf(send(A, READ_10)));
        assertEquals(ScsiResponse.GOOD, send(A, READ_10).status(), "SPC-2 5.5.1: a reset ends the reservation");
    }
}
