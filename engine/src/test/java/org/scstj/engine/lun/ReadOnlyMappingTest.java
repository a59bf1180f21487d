package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
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
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;

/**
 * One LU mapped read-write to one initiator and read-only to another (LUN masking). The read-only
 * initiator may read, register its own key and give up what it holds, but nothing it does may
 * change what the read-write initiator shares with it: mode pages, reservations, the medium.
 */
class ReadOnlyMappingTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus WRITER = new Nexus("iqn.w", "iqn.w,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus READER = new Nexus("iqn.r", "iqn.r,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final byte[] TUR = new byte[6];

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64).capabilities(
            new BlockDevice.Capabilities(true, false, false, true, 0, "ro-test", 0x6001405000000001L));
    private final ModeParameters mode = new ModeParameters(true);
    private final MediumState medium = new MediumState(true);
    private final Reservations reservations = new Reservations();
    private final UnitState state = new UnitState(medium, mode, LuStates.unlimited(), reservations);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
    private long tags;

    private ScsiResponse send(Nexus nexus, byte[] cdb, byte[] dataOut) throws Exception {
        boolean readOnly = nexus == READER;
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, dataOut);
        LuContext lu = LuContexts.of(0, device, readOnly, nexus, state);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), lu)));
        return t.await();
    }

    @BeforeEach
    void clearPowerOnUnitAttentions() throws Exception {
        send(WRITER, TUR, null);
        send(READER, TUR, null);
    }

    private static final String WRITE_PROTECTED = "07/27/00";

    /** MODE SELECT(6) of the Caching page with WCE as given. */
    private static byte[][] cachingPage(boolean wce) {
        byte[] list = new byte[4 + 20];
        list[4] = 0x08;
        list[5] = 0x12;
        list[6] = (byte) (wce ? 0x04 : 0);
        return new byte[][] {{0x15, 0x10, 0, 0, (byte) list.length, 0}, list};
    }

    /** PERSISTENT RESERVE OUT (SPC-5 6.16) with the 24-byte basic parameter list. */
    private static byte[][] prOut(int serviceAction, int type, long key, long serviceActionKey) {
        byte[] list = ByteBuffer.allocate(24).putLong(key).putLong(serviceActionKey).array();
        return new byte[][] {{0x5F, (byte) serviceAction, (byte) type, 0, 0, 0, 0, 0, 24, 0}, list};
    }

    private ScsiResponse send(Nexus nexus, byte[][] cdbAndData) throws Exception {
        return send(nexus, cdbAndData[0], cdbAndData[1]);
    }

    @Test
    void modeSelect_throughAReadOnlyMapping_isWriteProtected_andChangesNothing() throws Exception {
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(send(READER, cachingPage(false))));
        assertTrue(mode.writeCacheEnabled(), "WCE unchanged for everyone");
        assertEquals(ScsiResponse.GOOD, send(WRITER, TUR, null).status(), "no MODE PARAMETERS CHANGED either");
        assertEquals(ScsiResponse.GOOD, send(WRITER, cachingPage(false)).status(), "the read-write mapping may");
        assertFalse(mode.writeCacheEnabled());
    }

    @Test
    void spc2Reserve_throughAReadOnlyMapping_isWriteProtected_andReleaseIsHarmless() throws Exception {
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(send(READER, new byte[] {0x16, 0, 0, 0, 0, 0}, null)));
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(
                send(READER, new byte[] {0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null)), "RESERVE(10)");
        assertTrue(reservations.idle());
        assertEquals(ScsiResponse.GOOD, send(READER, new byte[] {0x17, 0, 0, 0, 0, 0}, null).status(), "RELEASE(6)");
        assertEquals(ScsiResponse.GOOD, send(WRITER, new byte[] {0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0}, new byte[512])
                .status(), "the writer writes on");
    }

    @Test
    void persistentReserveOut_throughAReadOnlyMapping_mayRegisterButNotReserveClearOrPreempt() throws Exception {
        assertEquals(ScsiResponse.GOOD, send(WRITER, prOut(0x00, 0, 0, 0xAA)).status());
        assertEquals(ScsiResponse.GOOD, send(READER, prOut(0x00, 0, 0, 0xBB)).status(), "REGISTER");
        assertEquals(ScsiResponse.GOOD, send(READER, prOut(0x06, 0, 0, 0xBC)).status(),
                "REGISTER AND IGNORE EXISTING KEY");
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(send(READER, prOut(0x01, 3, 0xBC, 0))),
                "RESERVE EXCLUSIVE ACCESS would deny the writer its reads");
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(send(READER, prOut(0x03, 0, 0xBC, 0))), "CLEAR");
        assertEquals(ScsiResponse.GOOD, send(WRITER, prOut(0x01, 1, 0xAA, 0)).status(), "the writer reserves WE");
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(send(READER, prOut(0x04, 1, 0xBC, 0xAA))), "PREEMPT");
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(send(READER, prOut(0x05, 1, 0xBC, 0xAA))),
                "PREEMPT AND ABORT");
        assertEquals(0xAA, reservations.registrationOf(WRITER).key(), "the writer keeps its key");
        assertEquals(ScsiResponse.GOOD, send(READER, prOut(0x02, 1, 0xBC, 0)).status(),
                "RELEASE of what it does not hold does nothing, and is allowed");
        assertEquals(ScsiResponse.GOOD, send(READER, prOut(0x00, 0, 0xBC, 0)).status(), "unregistering");
        assertEquals(ScsiResponse.GOOD, send(WRITER, new byte[] {0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0}, new byte[512])
                .status(), "the writer still holds its reservation and writes");
    }

    @Test
    void startStopUnit_throughAReadOnlyMapping_mayNotEjectTheSharedMedium_butPreventAllowIsItsOwn() throws Exception {
        assertEquals(WRITE_PROTECTED, TaskOrderingTest.senseOf(send(READER, new byte[] {0x1B, 0, 0, 0, 0x02, 0}, null)),
                "LOEJ 1, START 0: eject");
        assertTrue(medium.present());
        assertEquals(ScsiResponse.GOOD, send(READER, new byte[] {0x1B, 0, 0, 0, 0x01, 0}, null).status(),
                "START without LOEJ moves no medium");
        assertEquals(ScsiResponse.GOOD, send(READER, new byte[] {0x1E, 0, 0, 0, 0x01, 0}, null).status(),
                "PREVENT MEDIUM REMOVAL (SBC-4 5.13: per I_T nexus)");
        assertEquals(ScsiResponse.GOOD, send(READER, new byte[] {0x1E, 0, 0, 0, 0x00, 0}, null).status());
        assertEquals(ScsiResponse.GOOD, send(WRITER, new byte[] {0x1B, 0, 0, 0, 0x02, 0}, null).status(),
                "the read-write mapping may eject");
        assertFalse(medium.present());
    }
}
