package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

/** SPC-5 7.5.1: a MODE SELECT that changes the LU's parameters is a unit attention for the other nexuses. */
class ModeParametersChangedTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64);
    private final ModeParameters mode = new ModeParameters(true);
    private final MediumState medium = new MediumState(false);
    private final UnitState state = new UnitState(medium, mode, LuStates.unlimited(),
            new org.scstj.engine.pr.Reservations());
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
    private long tags;

    private ScsiResponse send(Nexus nexus, byte[] cdb, byte[] dataOut) throws Exception {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, dataOut);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb),
                LuContexts.of(0, device, false, nexus, state))));
        return t.await();
    }

    private static final byte[] TUR = new byte[6];

    /** A MODE SELECT(6) parameter list: header, then the Control page as MODE SENSE reports it, SWP as given. */
    private static byte[] controlPageWithSwp(boolean swp) {
        byte[] list = new byte[4 + 12];
        list[4] = 0x0A;                      // Control page (SPC-5 7.5.8), 10 bytes after the header
        list[5] = 0x0A;
        list[4 + 3] = 0x10;                  // QUEUE ALGORITHM MODIFIER 1
        list[4 + 4] = (byte) (swp ? 0x08 : 0);
        list[4 + 8] = (byte) 0xFF;           // BUSY TIMEOUT PERIOD FFFFh
        list[4 + 9] = (byte) 0xFF;
        return list;
    }

    private static byte[] modeSelect6(int length) {
        return new byte[] {0x15, 0x10, 0, 0, (byte) length, 0};
    }

    @Test
    void aChange_isModeParametersChangedForTheOtherNexusOnly_andNoChangeRaisesNone() throws Exception {
        send(A, TUR, null); // power-on unit attentions out of the way
        send(B, TUR, null);
        byte[] list = controlPageWithSwp(true);
        assertEquals(ScsiResponse.GOOD, send(A, modeSelect6(list.length), list).status());
        ScsiResponse b = send(B, TUR, null);
        assertEquals("06/2A/01", TaskOrderingTest.senseOf(b));
        assertEquals(ScsiResponse.GOOD, send(A, TUR, null).status(), "not for the nexus that changed them");
        assertEquals(ScsiResponse.GOOD, send(B, TUR, null).status());

        assertEquals(ScsiResponse.GOOD, send(A, modeSelect6(list.length), list).status(), "the same values again");
        assertEquals(ScsiResponse.GOOD, send(B, TUR, null).status(), "nothing changed: no unit attention");
    }

    @Test
    void aLogicalUnitReset_restoresTheSavedValues() throws Exception {
        send(A, TUR, null);
        byte[] list = controlPageWithSwp(true);
        assertEquals(ScsiResponse.GOOD, send(A, modeSelect6(list.length), list).status());
        assertEquals(true, mode.softwareWriteProtect());
        org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.RESET, A, 0, probe.getRef()));
        probe.receiveMessage();
        assertEquals(false, mode.softwareWriteProtect(), "SWP was never saved: back to the default");
    }

    @Test
    void uaInterlock10b_keepsTheUnitAttentionUntilRequestSenseReturnsIt() throws Exception {
        send(A, TUR, null);
        send(B, TUR, null);
        byte[] list = controlPageWithSwp(false);
        list[4 + 4] |= 0x20;                      // UA_INTLCK_CTRL 10b
        assertEquals(ScsiResponse.GOOD, send(A, modeSelect6(list.length), list).status());
        assertEquals(0b10, mode.uaInterlock());
        assertEquals("06/2A/01", TaskOrderingTest.senseOf(send(B, TUR, null)));
        assertEquals("06/2A/01", TaskOrderingTest.senseOf(send(B, TUR, null)), "reported again: not cleared");
        ScsiResponse rs = send(B, new byte[] {0x03, 0, 0, 0, (byte) 252, 0}, null);
        assertEquals(ScsiResponse.GOOD, rs.status());
        assertEquals(ScsiResponse.GOOD, send(B, TUR, null).status(), "REQUEST SENSE cleared it");

        list[4 + 4] = (byte) (list[4 + 4] & ~0x30 | 0x10); // 01b is reserved
        assertEquals(ScsiResponse.CHECK_CONDITION, send(A, modeSelect6(list.length), list).status());
    }
}
