package org.scstj.engine.xcopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.CopyManager;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spc.InquiryData;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class ThirdPartyCopyVpdTest {
    /** SPC-5 6.7 INQUIRY CDB. */
    private static byte[] inquiry(boolean evpd, int page, int allocationLength) {
        return new byte[] {0x12, (byte) (evpd ? 1 : 0), (byte) page, (byte) (allocationLength >>> 8),
                (byte) allocationLength, 0};
    }

    private final RamBlockDevice device = new RamBlockDevice(4096, 100);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }

    /** The page's descriptors by type, each body without its 4-byte header, walked as an initiator does. */
    private Map<Integer, byte[]> descriptors() {
        byte[] p = FakeExecContext.run(lu, inquiry(true, 0x8F, 1024), 1024, null).data();
        assertEquals(0x8F, p[1] & 0xFF);
        assertEquals(p.length - 4, u16(p, 2));
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        int at = 4;
        while (at < p.length) {
            int length = u16(p, at + 2);
            assertEquals(0, length % 4, "descriptor lengths are multiples of four");
            out.put(u16(p, at), java.util.Arrays.copyOfRange(p, at + 4, at + 4 + length));
            at += 4 + length;
        }
        assertEquals(p.length, at);
        return out;
    }

    @Test
    void page_holdsTheDescriptorsOfAnExtendedCopyLid1CopyManager() {
        assertEquals(List.of(0x0001, 0x0004, 0x0008, 0x000C, 0x8001), List.copyOf(descriptors().keySet()));
    }

    @Test
    void supportedCommands_listExtendedCopyAndReceiveCopyResultsServiceActions() {
        byte[] d = descriptors().get(0x0001);
        int listLength = d[0];
        assertEquals(8, listLength);
        assertEquals(List.of(0x83, 1, 0x00, 0x84, 3, 0x00, 0x03, 0x04),
                java.util.stream.IntStream.range(1, 1 + listLength).mapToObj(i -> d[i] & 0xFF).toList());
    }

    @Test
    void parameterDataAndGeneralCopyOperations_matchTheOperatingParameters() {
        byte[] p = descriptors().get(0x0004);
        assertEquals(28, p.length);
        assertEquals(ExtendedCopy.MAX_CSCD_DESCRIPTORS, u16(p, 4));
        assertEquals(ExtendedCopy.MAX_SEGMENT_DESCRIPTORS, u16(p, 6));
        assertEquals(ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH, u32(p, 8));
        assertEquals(ExtendedCopy.MAX_INLINE_DATA_LENGTH, u32(p, 12));
        byte[] g = descriptors().get(0x8001);
        assertEquals(32, g.length);
        assertEquals(CopyManager.TOTAL_CONCURRENT_COPIES, u32(g, 0));
        assertEquals(CopyManager.TOTAL_CONCURRENT_COPIES, u32(g, 4));
        assertEquals(ExtendedCopy.MAX_SEGMENT_LENGTH, u32(g, 8));
        assertEquals(0, g[12], "DATA SEGMENT GRANULARITY: 2^0, for 0Ah segments copy any number of bytes");
        byte[] op = ReceiveCopyResults.operatingParameters();
        assertEquals(u16(op, 8), u16(p, 4));
        assertEquals(u32(op, 16), u32(g, 8));
        assertEquals(op[37], g[12]);
    }

    @Test
    void supportedDescriptors_andCscdIds() {
        byte[] s = descriptors().get(0x0008);
        assertEquals(3, s[0]);
        assertEquals(0x02, s[1] & 0xFF, "block to block");
        assertEquals(0x0A, s[2] & 0xFF, "block with offset to block with offset");
        assertEquals(0xE4, s[3] & 0xFF, "Identification");
        byte[] ids = descriptors().get(0x000C);
        assertEquals(0, u16(ids, 0), "no CSCD descriptor IDs beyond the list indexes");
    }

    @Test
    void standardInquiry_sets3pc_andTheSupportedPagesList8Fh() {
        assertEquals(0x08, InquiryData.standard(device)[5] & 0x08);
        byte[] pages = FakeExecContext.run(lu, inquiry(true, 0, 255), 255, null).data();
        boolean listed = false;
        for (int i = 4; i < pages.length; i++) {
            listed |= (pages[i] & 0xFF) == 0x8F;
        }
        assertTrue(listed);
    }
}
