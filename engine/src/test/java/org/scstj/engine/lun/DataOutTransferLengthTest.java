package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scstj.engine.lun.TaskOrderingTest.caw;
import static org.scstj.engine.lun.TaskOrderingTest.concat;
import static org.scstj.engine.lun.TaskOrderingTest.filled;
import static org.scstj.engine.lun.TaskOrderingTest.senseOf;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lun.TaskOrderingTest.DataTask;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.xcopy.CopyLists;

import java.util.Arrays;
import java.util.List;

/**
 * What the core tells the transport a Data-Out command transferred (ScsiResponse.transferLength,
 * from which iSCSI and the loopback driver compute the residual, RFC 7143 11.4.5, SAM-5 5.4.3):
 * once a command took its Data-Out, the length its CDB asked for, whatever its status; a command
 * refused before it asked for any Data-Out transferred nothing. Through the LUN actor, the real
 * command set and the task that relays the response, as a transport sees it.
 */
class DataOutTransferLengthTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final int BS = 512;
    private static final Nexus NEXUS = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.2026-11.org.scstj:t",
            "iqn.2026-11.org.scstj:t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = CopyLists.device(BS, 2048, 0x6001_4050_0000_0A01L).thin();
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 64));
    private final LuContext lu = LuContexts.of(0, device, false, NEXUS, false);
    private long tags;

    /** One command, its Data-Out (exactly what its CDB asks for) and the status it must end with. */
    private record Case(String name, byte[] cdb, byte[] dataOut, String status) {
    }

    @Test
    void parameterListCommands_thatTookTheirList_reportItsWholeLengthAsTransferred() throws Exception {
        clearPowerOn();
        byte[] sanitize = sanitizeOverwrite(1, 8);
        for (Case c : List.of(
                new Case("MODE SELECT(6)", modeSelect6(4), new byte[4], "GOOD"),
                new Case("MODE SELECT(10)", modeSelect10(8), new byte[8], "GOOD"),
                new Case("PERSISTENT RESERVE OUT", proutRegister(24), register(0x1234), "GOOD"),
                new Case("UNMAP", unmap(24), unmapList(0, 8), "GOOD"),
                new Case("EXTENDED COPY", CopyLists.cdb(copyList().length), copyList(), "GOOD"),
                new Case("FORMAT UNIT", formatUnitWithList(), new byte[4], "GOOD"),
                new Case("SANITIZE OVERWRITE", sanitizeCdb(sanitize.length), sanitize, "GOOD"))) {
            assertTransferred(c);
        }
    }

    @Test
    void parameterListCommands_refusingTheListTheyTook_stillReportItsWholeLength() throws Exception {
        clearPowerOn();
        byte[] mediumType = new byte[4];
        mediumType[1] = 1;
        byte[] pastTheEnd = unmapList(2048, 8);
        byte[] defectList = new byte[4];
        defectList[3] = 4;
        byte[] countZero = sanitizeOverwrite(0, 8);
        byte[] streamSegment = copyList();
        streamSegment[16 + 32] = 0x03;
        for (Case c : List.of(
                new Case("MODE SELECT(6), medium type 1", modeSelect6(4), mediumType, "05/26/00"),
                new Case("PERSISTENT RESERVE OUT, 28-byte list", proutRegister(28), Arrays.copyOf(register(1), 28),
                        "05/1A/00"),
                new Case("UNMAP past the last LBA", unmap(24), pastTheEnd, "05/21/00"),
                new Case("FORMAT UNIT with a defect list", formatUnitWithList(), defectList, "05/26/00"),
                new Case("SANITIZE OVERWRITE COUNT 0", sanitizeCdb(countZero.length), countZero, "05/26/00"),
                new Case("EXTENDED COPY, stream segment", CopyLists.cdb(streamSegment.length), streamSegment,
                        "05/26/09"))) {
            assertTransferred(c);
        }
    }

    @Test
    void blockCommands_failingAfterTheirDataOut_reportTheCdbLength() throws Exception {
        clearPowerOn();
        assertTransferred(new Case("COMPARE AND WRITE, miscompare", caw(5, 2),
                concat(filled(2, 'X'), filled(2, 'B')), "0E/1D/00"));
        device.failWith(BlockDevice.IoFailure.MEDIUM_ERROR);
        assertTransferred(new Case("WRITE(16), medium error", TaskOrderingTest.cdb16(0x8A, 10, 3), filled(3, 'W'),
                "03/0C/00"));
        device.failWith(null);
    }

    @Test
    void aCommandRefusedBeforeItAskedForItsDataOut_transferredNothing() throws Exception {
        clearPowerOn();
        byte[] pf0 = modeSelect6(4);
        pf0[1] = 0; // PF 0: INVALID FIELD IN CDB before any Data-Out is asked for
        ScsiResponse r = send(pf0, new byte[4]);
        assertEquals("05/24/00", senseOf(r));
        assertEquals(0, r.transferLength(), "nothing transferred: the whole EDTL is the residual");
    }

    // --- helpers ------------------------------------------------------------------------------

    private void assertTransferred(Case c) throws Exception {
        ScsiResponse r = send(c.cdb(), c.dataOut());
        assertEquals(c.status(), r.sense() == null ? statusName(r) : senseOf(r), c.name());
        assertEquals(c.dataOut().length, r.transferLength(), c.name() + ": the CDB's Data-Out length");
    }

    private static String statusName(ScsiResponse r) {
        return r.status() == ScsiResponse.GOOD ? "GOOD" : "status " + r.status();
    }

    private ScsiResponse send(byte[] cdb, byte[] dataOut) throws Exception {
        DataTask t = new DataTask(++tags, cdb, dataOut);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), lu)));
        return t.await();
    }

    private void clearPowerOn() throws Exception {
        DataTask tur = new DataTask(++tags, new byte[6], null);
        lun.tell(new LunActor.Execute(new Task(tur, CommandSets.DISK.parse(new byte[6]), lu)));
        assertEquals(ScsiResponse.CHECK_CONDITION, tur.await().status()); // 29/00 for a new nexus
    }

    /** SPC-5 6.9 MODE SELECT(6), PF 1. */
    static byte[] modeSelect6(int parameterListLength) {
        return new byte[] {0x15, 0x10, 0, 0, (byte) parameterListLength, 0};
    }

    /** SPC-5 6.10 MODE SELECT(10), PF 1. */
    static byte[] modeSelect10(int parameterListLength) {
        return new byte[] {0x55, 0x10, 0, 0, 0, 0, 0, (byte) (parameterListLength >>> 8), (byte) parameterListLength, 0};
    }

    /** SPC-5 6.17 PERSISTENT RESERVE OUT, REGISTER. */
    static byte[] proutRegister(int parameterListLength) {
        return new byte[] {0x5F, 0x00, 0, 0, 0, 0, 0, 0, (byte) parameterListLength, 0};
    }

    /** The basic PERSISTENT RESERVE OUT parameter list registering {@code key}. */
    static byte[] register(long key) {
        byte[] l = new byte[24];
        java.nio.ByteBuffer.wrap(l).putLong(8, key);
        return l;
    }

    /** SBC-4 UNMAP. */
    static byte[] unmap(int parameterListLength) {
        return new byte[] {0x42, 0, 0, 0, 0, 0, 0, (byte) (parameterListLength >>> 8), (byte) parameterListLength, 0};
    }

    /** An UNMAP parameter list of one block descriptor. */
    static byte[] unmapList(long lba, int blocks) {
        byte[] l = new byte[24];
        java.nio.ByteBuffer.wrap(l).putShort(0, (short) 22).putShort(2, (short) 16).putLong(8, lba).putInt(16, blocks);
        return l;
    }

    /** SBC-4 5.3 FORMAT UNIT with FMTDATA 1: a short parameter list header follows. */
    static byte[] formatUnitWithList() {
        return new byte[] {0x04, 0x10, 0, 0, 0, 0};
    }

    /** SBC-4 5.30 SANITIZE, OVERWRITE. */
    static byte[] sanitizeCdb(int parameterListLength) {
        return new byte[] {0x48, 0x01, 0, 0, 0, 0, 0, (byte) (parameterListLength >>> 8), (byte) parameterListLength, 0};
    }

    /** An OVERWRITE parameter list: OVERWRITE COUNT, then a pattern of {@code patternLength} bytes. */
    static byte[] sanitizeOverwrite(int count, int patternLength) {
        byte[] l = new byte[4 + patternLength];
        l[0] = (byte) count;
        l[3] = (byte) patternLength;
        Arrays.fill(l, 4, l.length, (byte) 0xA5);
        return l;
    }

    /** An EXTENDED COPY(LID1) list copying one block of the LU within itself. */
    private byte[] copyList() {
        return CopyLists.list(1, 0b11, List.of(CopyLists.identification(device)),
                List.of(CopyLists.blockToBlock(0, 0, 1, 0, 100)));
    }
}
