package org.scstj.engine.ssc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.TapeState;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.lun.Tasks;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The SSC-3 command set on a tape drive LU (a LUN actor over a cartridge in memory): what Linux's
 * st and backup software rely on, command by command, with the sense data each condition carries.
 */
class TapeCommandsTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamTape tape = new RamTape();
    private final TapeState drive = new TapeState();
    private final UnitState state = new UnitState(new MediumState(true, false, true), new ModeParameters(false),
            LuStates.unlimited(), new Reservations(), drive);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(Tasks.lunActor(tape, CommandSets.TAPE, state));
    private long tags;
    private byte[] lastData;

    private ScsiResponse send(Nexus nexus, byte[] cdb, byte[] dataOut) throws Exception {
        LuContext lu = new LuContext(0, tape, CommandSets.TAPE, false, false, nexus, state,
                LuStates.only(0, tape, false, state.mode()));
        Tasks.Result r = Tasks.execute(lun, lu, ++tags, cdb, dataOut);
        lastData = r.dataIn();
        return r.response();
    }

    private ScsiResponse send(byte[] cdb) throws Exception {
        return send(A, cdb, null);
    }

    private static String sense(ScsiResponse r) {
        byte[] s = r.sense();
        return String.format("%02X/%02X/%02X", s[2] & 0x0F, s[12] & 0xFF, s[13] & 0xFF);
    }

    private static int flags(ScsiResponse r) {
        return r.sense()[2] & 0xE0;
    }

    private static int information(ScsiResponse r) {
        return ByteBuffer.wrap(r.sense()).getInt(3);
    }

    private static byte[] cdb(int... b) {
        byte[] c = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            c[i] = (byte) b[i];
        }
        return c;
    }

    private static byte[] write6(boolean fixed, int length) {
        return cdb(0x0A, fixed ? 1 : 0, length >>> 16, length >>> 8, length, 0);
    }

    private static byte[] read6(int flags, int length) {
        return cdb(0x08, flags, length >>> 16, length >>> 8, length, 0);
    }

    private static byte[] space(int code, int count) {
        return cdb(0x11, code, count >>> 16, count >>> 8, count, 0);
    }

    private static byte[] data(int length, int seed) {
        byte[] d = new byte[length];
        Arrays.fill(d, (byte) seed);
        return d;
    }

    private static final byte[] REWIND = cdb(0x01, 0, 0, 0, 0, 0);
    private static final byte[] FILEMARK = cdb(0x10, 0, 0, 0, 1, 0);
    private static final byte[] READ_POSITION = cdb(0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private static final int GOOD = ScsiResponse.GOOD;

    private long position() throws Exception {
        ScsiResponse r = send(READ_POSITION);
        assertEquals(GOOD, r.status());
        return ByteBuffer.wrap(lastData).getInt(4) & 0xFFFF_FFFFL;
    }

    /** Two files: [100-byte, 200-byte records] FM [300-byte record] FM. */
    private void twoFiles() throws Exception {
        assertEquals(GOOD, send(A, write6(false, 100), data(100, 1)).status());
        assertEquals(GOOD, send(A, write6(false, 200), data(200, 2)).status());
        assertEquals(GOOD, send(FILEMARK).status());
        assertEquals(GOOD, send(A, write6(false, 300), data(300, 3)).status());
        assertEquals(GOOD, send(FILEMARK).status());
        assertEquals(GOOD, send(REWIND).status());
    }

    @BeforeEach
    void powerOn() throws Exception {
        send(A, new byte[6], null);
        send(B, new byte[6], null);
    }

    @Test
    void variableRecords_readBack_withIncorrectLengthsAndFilemarksReported() throws Exception {
        twoFiles();
        assertEquals(0, position());
        ScsiResponse exact = send(read6(0, 100));
        assertEquals(GOOD, exact.status());
        assertArrayEquals(data(100, 1), lastData);

        ScsiResponse shorter = send(read6(0, 1000)); // a 200-byte record asked as 1000: ILI, residual 800
        assertEquals("00/00/00", sense(shorter));
        assertEquals(0x20, flags(shorter), "ILI");
        assertEquals(800, information(shorter));
        assertArrayEquals(data(200, 2), lastData);

        ScsiResponse mark = send(read6(0, 1000));
        assertEquals("00/00/01", sense(mark), "FILEMARK DETECTED");
        assertEquals(0x80, flags(mark), "FILEMARK");
        assertEquals(1000, information(mark));
        assertEquals(3, position(), "past the filemark");

        ScsiResponse longer = send(read6(0, 100)); // a 300-byte record asked as 100: overlength, INFORMATION -200
        assertEquals(0x20, flags(longer));
        assertEquals(-200, information(longer));
        assertArrayEquals(data(100, 3), lastData, "only what was asked");
        assertEquals(4, position());

        send(read6(0, 100)); // the second filemark
        ScsiResponse eod = send(read6(0, 100));
        assertEquals("08/00/05", sense(eod), "BLANK CHECK, END-OF-DATA DETECTED");
        assertEquals(100, information(eod));

        send(REWIND);
        send(read6(0, 100));
        assertEquals(GOOD, send(read6(0x02, 1000)).status(), "SILI: a shorter record is no condition");
        assertEquals("05/24/00", sense(send(read6(0x03, 1))), "SILI with FIXED");
    }

    @Test
    void fixedBlocks_afterModeSelect_andAnIncorrectBlockStopsTheRead() throws Exception {
        // MODE SELECT(6): header + block descriptor with BLOCK LENGTH 512
        byte[] list = cdb(0, 0, 0, 8, 0x80, 0, 0, 0, 0, 0, 0x02, 0x00);
        assertEquals(GOOD, send(A, cdb(0x15, 0x10, 0, 0, list.length, 0), list).status());
        assertEquals(512, drive.blockLength());
        ScsiResponse other = send(B, new byte[6], null);
        assertEquals("06/2A/01", other.sense() == null ? "GOOD" : sense(other), "the other nexus: MODE PARAMETERS CHANGED");
        assertEquals(GOOD, send(A, write6(true, 3), data(3 * 512, 7)).status());
        assertEquals(3, tape.objectCount(), "three records of 512 bytes");
        assertEquals(GOOD, send(A, cdb(0x15, 0x10, 0, 0, list.length, 0), cdb(0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0)).status());
        assertEquals(GOOD, send(A, write6(false, 100), data(100, 8)).status(), "variable again: a 100-byte record");
        assertEquals(GOOD, send(A, cdb(0x15, 0x10, 0, 0, list.length, 0), list).status());
        send(REWIND);
        ScsiResponse r = send(read6(0x01, 5));
        assertEquals(0x20, flags(r), "ILI at the 100-byte record");
        assertEquals(2, information(r), "5 asked, 3 read: residual 2 blocks");
        assertEquals(3 * 512, lastData.length);
        assertEquals(4, position(), "past the incorrect block");
        // the MODE SENSE block descriptor reports it
        assertEquals(GOOD, send(A, cdb(0x1A, 0, 0x3F, 0, 255, 0), null).status());
        assertEquals(512, ByteBuffer.wrap(lastData).getInt(8) & 0xFF_FFFF);
        assertEquals((byte) TapeState.DENSITY, lastData[4]);
    }

    /**
     * SPC-5 7.5.1: mode page 00h is vendor-specific; a tape drive answers it with the header and the
     * block descriptor (SSC-3 8.3.3), no page. Linux's st asks exactly this (MODE SENSE(6), page 00h,
     * ALLOCATION LENGTH 12) at every open to learn the block length, density and write protection;
     * refused, st takes the drive for variable-block and `mt setblk 512` looks undone.
     */
    @Test
    void modeSensePage0_isTheHeaderAndTheBlockDescriptor_asStReadsIt() throws Exception {
        byte[] page0 = cdb(0x1A, 0, 0x00, 0, 12, 0);
        assertEquals(GOOD, send(page0).status());
        assertEquals(12, lastData.length, "4-byte header + 8-byte block descriptor");
        assertEquals(11, lastData[0], "MODE DATA LENGTH");
        assertEquals(8, lastData[3], "BLOCK DESCRIPTOR LENGTH");
        assertEquals((byte) TapeState.DENSITY, lastData[4]);
        assertEquals(0, ByteBuffer.wrap(lastData).getInt(8) & 0xFF_FFFF, "variable-block mode");

        byte[] list = cdb(0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x02, 0x00); // st's MTSETBLK 512: density 0 (default)
        assertEquals(GOOD, send(A, cdb(0x15, 0x10, 0, 0, list.length, 0), list).status());
        assertEquals(GOOD, send(page0).status());
        assertEquals(512, ByteBuffer.wrap(lastData).getInt(8) & 0xFF_FFFF, "the block length MODE SELECT set");
        assertEquals("05/24/00", sense(send(cdb(0x1A, 0, 0x00, 0x01, 12, 0))), "page 00h has no subpage");
    }

    @Test
    void space_andLocate_andReadPosition_moveAsSsc3Says() throws Exception {
        twoFiles();
        assertEquals(GOOD, send(space(1, 1)).status(), "SPACE 1 filemark");
        assertEquals(3, position());
        ScsiResponse back = send(space(0, 0xFFFFFE)); // -2 blocks: the filemark before stops it
        assertEquals(0x80, flags(back));
        assertEquals(2, information(back), "none spaced over");
        assertEquals(2, position(), "before the filemark");
        ScsiResponse forward = send(space(0, 5));
        assertEquals(0x80, flags(forward));
        assertEquals(5, information(forward));
        assertEquals(3, position());
        ScsiResponse fms = send(space(1, 3));
        assertEquals("08/00/05", sense(fms));
        assertEquals(2, information(fms), "one of three filemarks spaced over");
        assertEquals(5, position());
        assertEquals(GOOD, send(space(3, 0)).status(), "end of data");
        ScsiResponse bop = send(space(1, 0xFFFFFD)); // -3 filemarks: only two precede
        assertEquals("00/00/04", sense(bop));
        assertEquals(0x40, flags(bop), "EOM at BOP");
        assertEquals(0, position());
        assertEquals("05/24/00", sense(send(space(2, 1))), "setmark spacing is not supported");

        assertEquals(GOOD, send(cdb(0x2B, 0, 0, 0, 0, 0, 4, 0, 0, 0)).status(), "LOCATE(10) to object 4");
        assertEquals(4, position());
        ScsiResponse past = send(cdb(0x2B, 0, 0, 0, 0, 0, 9, 0, 0, 0));
        assertEquals("08/00/05", sense(past));
        assertEquals(5, position(), "at end of data");
        // LOCATE(16) to logical file 1 and READ POSITION long form: object 3, file 1
        assertEquals(GOOD, send(cdb(0x92, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0)).status());
        send(cdb(0x34, 0x06, 0, 0, 0, 0, 0, 0, 32, 0));
        assertEquals(3, ByteBuffer.wrap(lastData).getLong(8));
        assertEquals(1, ByteBuffer.wrap(lastData).getLong(16));
    }

    @Test
    void writingInTheMiddle_makesEndOfData_andEraseTruncates() throws Exception {
        twoFiles();
        send(space(0, 1));
        assertEquals(GOOD, send(A, write6(false, 50), data(50, 9)).status());
        assertEquals(2, tape.objectCount(), "what followed is gone");
        send(REWIND);
        send(space(0, 1));
        assertEquals(GOOD, send(cdb(0x19, 0x01, 0, 0, 0, 0)).status(), "ERASE");
        assertEquals(1, tape.objectCount());
        assertEquals(1, position());
    }

    @Test
    void fullAndNearlyFullCartridges_reportVolumeOverflowAndEarlyWarning() throws Exception {
        tape.capacity = (2L << 20) - 1000; // early warning from 1 MiB - 1000 bytes on
        ScsiResponse warned = send(A, write6(false, 1_100_000), data(1_100_000, 1));
        assertEquals("05/24/00", sense(warned), "longer than READ BLOCK LIMITS' maximum");
        byte[] big = data(1 << 20, 1);
        ScsiResponse first = send(A, write6(false, big.length), big);
        assertEquals("00/00/02", sense(first), "past early warning (the last MiB): EOM, written");
        assertEquals(0x40, flags(first));
        assertEquals(1, tape.objectCount());
        ScsiResponse overflow = send(A, write6(false, big.length), big);
        assertEquals("0D/00/02", sense(overflow), "VOLUME OVERFLOW");
        assertEquals(0x40, flags(overflow));
        assertEquals(big.length, information(overflow), "nothing written");
        assertEquals(1, tape.objectCount());
        assertEquals("00/00/02", sense(send(FILEMARK)), "a filemark fits, past early warning");
        assertEquals(2, tape.objectCount());
    }

    @Test
    void unloadAndLoad_andDriveInformation() throws Exception {
        ScsiResponse limits = send(cdb(0x05, 0, 0, 0, 0, 0));
        assertEquals(GOOD, limits.status());
        assertEquals(TapeState.MAX_BLOCK_LENGTH, ByteBuffer.wrap(lastData).getInt(0) & 0xFF_FFFF);
        send(cdb(0x12, 0, 0, 0, 96, 0));
        assertEquals(0x01, lastData[0], "PERIPHERAL DEVICE TYPE 01h");
        assertEquals((byte) 0x80, lastData[1], "RMB");
        assertEquals(GOOD, send(cdb(0x1B, 0, 0, 0, 0x00, 0)).status(), "UNLOAD");
        assertEquals("02/3A/00", sense(send(READ_POSITION)));
        assertEquals(GOOD, send(cdb(0x1B, 0, 0, 0, 0x01, 0)).status(), "LOAD");
        assertEquals("06/28/00", sense(send(B, READ_POSITION, null)), "the other nexus: the medium may have changed");
        assertEquals(0, position());
        assertEquals(GOOD, send(cdb(0x8C, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x06, 0, 0, 1, 0, 0, 0)).status(), "READ ATTRIBUTE barcode");
        assertEquals("A00001L8", new String(lastData, 9, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("05/20/00", sense(send(cdb(0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0))), "READ(10) is not a tape's");
        assertNull(null);
    }

    @Test
    void logSense_listsTheTapePages_withTapeAlertsClear() throws Exception {
        assertEquals(GOOD, send(cdb(0x4D, 0, 0x00, 0, 0, 0, 0, 0, 64, 0)).status());
        assertArrayEquals(new byte[] {0x00, 0x0C, 0x2E, 0x2F}, Arrays.copyOfRange(lastData, 4, 8), "supported pages");
        assertEquals(GOOD, send(cdb(0x4D, 0, 0x2E, 0, 0, 0, 0, 0x02, 0, 0)).status());
        assertEquals(64 * 5, ByteBuffer.wrap(lastData).getShort(2), "64 TapeAlert flags of 5 bytes");
        for (int i = 0; i < 64; i++) {
            assertEquals(i + 1, ByteBuffer.wrap(lastData).getShort(4 + i * 5));
            assertEquals(0, lastData[4 + i * 5 + 4], "flag " + (i + 1) + " clear");
        }
        twoFiles();
        assertEquals(GOOD, send(cdb(0x4D, 0, 0x0C, 0, 0, 0, 0, 0, 64, 0)).status());
        assertEquals(0x0C, lastData[0] & 0x3F, "Sequential-Access Device page");
        assertEquals(0x0004, ByteBuffer.wrap(lastData).getShort(4));
    }
}
