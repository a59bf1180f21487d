package org.scstj.engine.xcopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.xcopy.CopyLists.blockToBlock;
import static org.scstj.engine.xcopy.CopyLists.cdb;
import static org.scstj.engine.xcopy.CopyLists.device;
import static org.scstj.engine.xcopy.CopyLists.identification;
import static org.scstj.engine.xcopy.CopyLists.list;
import static org.scstj.engine.xcopy.CopyLists.receiveCopyResults;

import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.CopyManager;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;

import java.util.List;

class ReceiveCopyResultsTest {
    private final RamBlockDevice device = device(512, 4096, 0x6001_4050_0000_0011L);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    private Outcome receive(int serviceAction, int listId) {
        return FakeExecContext.run(lu, receiveCopyResults(serviceAction, listId, 1024), 1024, null);
    }

    private Outcome copy(int listId, int usage, int blocks, long destinationLba) {
        byte[] list = list(listId, usage, List.of(identification(device)),
                List.of(blockToBlock(0, 0, blocks, 0, destinationLba)));
        return FakeExecContext.run(lu, cdb(list.length), list.length, list);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }

    @Test
    void operatingParameters_reportWhatExtendedCopyEnforces() {
        byte[] d = receive(0x03, 0).data();
        assertEquals(d.length - 4, u32(d, 0), "AVAILABLE DATA");
        assertEquals(1, d[4] & 0x01, "SNLID: LIST ID USAGE 11b supported");
        assertEquals(ExtendedCopy.MAX_CSCD_DESCRIPTORS, u16(d, 8));
        assertEquals(ExtendedCopy.MAX_SEGMENT_DESCRIPTORS, u16(d, 10));
        assertEquals(ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH, u32(d, 12));
        assertEquals(ExtendedCopy.MAX_SEGMENT_LENGTH, u32(d, 16));
        assertEquals(0, u32(d, 20), "no inline data");
        assertEquals(0, u32(d, 24), "no held data");
        assertEquals(CopyManager.TOTAL_CONCURRENT_COPIES, u16(d, 34));
        assertEquals(CopyManager.TOTAL_CONCURRENT_COPIES, d[36]);
        assertEquals(0, d[37], "DATA SEGMENT GRANULARITY: 2^0, for 0Ah segments copy any number of bytes");
        assertEquals(3, d[43], "IMPLEMENTED DESCRIPTOR LIST LENGTH");
        assertEquals(0x02, d[44] & 0xFF, "block to block segments");
        assertEquals(0x0A, d[45] & 0xFF, "block with offset to block with offset segments");
        assertEquals(0xE4, d[46] & 0xFF, "Identification CSCD descriptors");
        assertEquals(47, d.length);
    }

    @Test
    void copyStatus_ofAnUnknownListIdentifier_isInvalidFieldInCdb() {
        Outcome o = receive(0x00, 1);
        assertEquals("05/24/00", o.sense());
        assertEquals(0xC0, o.response().sense()[15] & 0xC0, "SKSV, C/D: the CDB");
        assertEquals(2, o.response().sense()[17], "LIST IDENTIFIER");
        assertEquals("05/24/00", receive(0x04, 1).sense());
    }

    @Test
    void copyStatus_ofAHeldCopy_isCompletedWithItsSegmentsAndBytes() {
        assertEquals("GOOD", copy(5, 0b00, 2048, 2048).sense());
        byte[] d = receive(0x00, 5).data();
        assertEquals(12, d.length);
        assertEquals(8, u32(d, 0));
        assertEquals(0x01, d[4], "HDD 0, COPY MANAGER STATUS: completed without errors");
        assertEquals(1, u16(d, 5), "SEGMENTS PROCESSED");
        assertEquals(0, d[7], "TRANSFER COUNT UNITS: bytes");
        assertEquals(2048 * 512, u32(d, 8));
    }

    @Test
    void listIdUsage10bAnd11b_holdNothingOnceTheCopyEnds() {
        assertEquals("GOOD", copy(6, 0b10, 1, 1).sense());
        assertEquals("05/24/00", receive(0x00, 6).sense());
        assertEquals("GOOD", copy(7, 0b11, 1, 1).sense());
        assertEquals("05/24/00", receive(0x00, 7).sense());
    }

    @Test
    void failedSegmentDetails_returnTheSenseOnce() {
        device.failWith(BlockDevice.IoFailure.MEDIUM_ERROR);
        Outcome failed = copy(8, 0b00, 1, 1);
        assertEquals("03/11/00", failed.sense());
        device.failWith(null);
        assertEquals(0x02, receive(0x00, 8).data()[4], "completed with errors");
        byte[] d = receive(0x04, 8).data();
        byte[] sense = failed.response().sense();
        assertEquals(60 + sense.length, d.length);
        assertEquals(d.length - 4, u32(d, 0));
        assertEquals(0x02, d[56], "CHECK CONDITION");
        assertEquals(sense.length, u16(d, 58));
        assertEquals(0x11, d[60 + 12], "the ASC of the sense the EXTENDED COPY returned");
        byte[] again = receive(0x04, 8).data();
        assertEquals(4, again.length, "given once: AVAILABLE DATA 0 afterwards");
        assertEquals(0, u32(again, 0));
    }

    @Test
    void failedSegmentDetails_ofASuccessfulCopy_areEmpty() {
        assertEquals("GOOD", copy(9, 0b00, 1, 1).sense());
        assertEquals(0, u32(receive(0x04, 9).data(), 0));
    }

    @Test
    void allocationLength_cutsTheData() {
        Outcome o = FakeExecContext.run(lu, receiveCopyResults(0x03, 0, 10), 10, null);
        assertEquals(10, o.data().length);
        assertEquals(10, o.response().transferLength());
    }

    @Test
    void receiveData_isNotSupported() {
        var d = Decode.decode(receiveCopyResults(0x01, 0, 64));
        assertTrue(d instanceof org.scstj.engine.cdb.Decoded.Rejected);
    }

    @Test
    void transferCount_switchesToLargerUnitsPast32Bits() {
        byte[] d = ReceiveCopyResults.copyStatus(new org.scstj.engine.lu.CopyStatusTable.Snapshot(
                org.scstj.engine.lu.CopyStatusTable.State.IN_PROGRESS, 3, 0x1_0000_0400L, null));
        assertEquals(1, d[7], "KiB");
        assertEquals(0x40_0001L, u32(d, 8));
    }
}
