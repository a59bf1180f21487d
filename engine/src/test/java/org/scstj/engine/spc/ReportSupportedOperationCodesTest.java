package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.sense.FieldPointer;

import java.util.Arrays;

class ReportSupportedOperationCodesTest {
    /** Thin: every row of the table is supported. */
    private final LuContext lu = FakeExecContext.lu(new RamBlockDevice(512, 10).thin(), false, false);
    private final LuContext thick = FakeExecContext.lu(new RamBlockDevice(512, 2048), false, false);

    static byte[] rsoc(boolean rctd, int options, int opcode, int sa, int alloc) {
        return new byte[] {(byte) 0xA3, 0x0C, (byte) ((rctd ? 0x80 : 0) | options), (byte) opcode, (byte) (sa >>> 8),
                (byte) sa, (byte) (alloc >>> 24), (byte) (alloc >>> 16), (byte) (alloc >>> 8), (byte) alloc, 0, 0};
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    @Test
    void allCommands_listsEveryTableRowSortedWithServiceActionsFlagged() {
        byte[] d = FakeExecContext.run(lu, rsoc(false, 0, 0, 0, 65535), 65535, null).data();
        int n = CommandSets.DISK.rows().size();
        assertEquals(8 * n, ((d[2] & 0xFF) << 8) | (d[3] & 0xFF));
        int previous = -1;
        for (int i = 0; i < n; i++) {
            int at = 4 + 8 * i;
            int opcode = d[at] & 0xFF;
            boolean servactv = (d[at + 5] & 0x01) != 0;
            int sa = u16(d, at + 2);
            CommandRow row = CommandSets.DISK.lookup(opcode, servactv ? sa : -1);
            assertEquals(row.cdbLength(), u16(d, at + 6), row.name());
            assertTrue(servactv || sa == 0, "SERVICE ACTION 0 without SERVACTV");
            assertEquals(0, d[at + 5] & 0x02, "no CTDP without RCTD");
            assertTrue(opcode >= previous, "sorted");
            previous = opcode;
        }
    }

    @Test
    void allCommandsWithRctd_carriesATimeoutsDescriptorForEachCommand() {
        byte[] d = FakeExecContext.run(lu, rsoc(true, 0, 0, 0, 65535), 65535, null).data();
        int n = CommandSets.DISK.rows().size();
        assertEquals(4 + 20 * n, d.length);
        for (int i = 0; i < n; i++) {
            assertEquals(0x02, d[4 + 20 * i + 5] & 0x02, "CTDP");
            assertEquals(0x0A, u16(d, 4 + 20 * i + 8), "timeouts descriptor length");
        }
    }

    @Test
    void oneCommand_printsTheDecoderMaskAsUsageData() {
        byte[] d = FakeExecContext.run(lu, rsoc(false, 1, 0x2A, 0, 65535), 65535, null).data();
        assertEquals(0x03, d[1] & 0x07, "supported");
        assertEquals(10, u16(d, 2));
        assertArrayEquals(CommandSets.DISK.lookup(0x2A, -1).usageData(), Arrays.copyOfRange(d, 4, 14));
        assertEquals(0x18, d[5] & 0x18, "DPO and FUA usable");
    }

    @Test
    void oneCommandWithServiceAction_printsReadCapacity16() {
        byte[] d = FakeExecContext.run(lu, rsoc(false, 2, 0x9E, 0x10, 65535), 65535, null).data();
        assertEquals(0x03, d[1] & 0x07);
        assertEquals(16, u16(d, 2));
        assertEquals((byte) 0x9E, d[4]);
    }

    @Test
    void unknownOpcode_isReportedNotSupported() {
        byte[] d = FakeExecContext.run(lu, rsoc(false, 1, 0xC5, 0, 65535), 65535, null).data();
        assertArrayEquals(new byte[] {0, 0x01, 0, 0}, d);
    }

    @Test
    void reportingOptionThatDoesNotMatchTheOpcode_isInvalidFieldInCdb() {
        assertEquals("05/24/00", FakeExecContext.run(lu, rsoc(false, 1, 0x9E, 0x10, 65535), 65535, null).sense());
        assertEquals("05/24/00", FakeExecContext.run(lu, rsoc(false, 2, 0x28, 0, 65535), 65535, null).sense());
        assertEquals("GOOD", FakeExecContext.run(lu, rsoc(false, 3, 0x28, 0, 65535), 65535, null).sense());
    }

    @Test
    void badReportingOptions_pointAtTheReportingOptionsField() {
        for (byte[] cdb : new byte[][] {rsoc(false, 1, 0x9E, 0x10, 65535), rsoc(false, 2, 0x28, 0, 65535)}) {
            byte[] s = FakeExecContext.run(lu, cdb, 65535, null).response().sense();
            assertArrayEquals(new byte[] {(byte) 0xCA, 0, 2}, Arrays.copyOfRange(s, 15, 18), "C/D, BPV, bit 2 of byte 2");
        }
        byte[] reserved = rsoc(false, 4, 0x28, 0, 65535);
        var rejected = assertInstanceOf(Decoded.Rejected.class, Decode.decode(reserved));
        assertEquals(FieldPointer.cdb(2, 2), rejected.failure().pointer(), "1xxb");
    }

    @Test
    void serviceActionAboveFiveBits_isNotSupported_neverAnotherRow() {
        // A3h with 010Ch once looked up A3h/0Ch (the key opcode << 8 | sa collided)
        for (int options : new int[] {2, 3}) {
            byte[] d = FakeExecContext.run(lu, rsoc(false, options, 0xA3, 0x010C, 65535), 65535, null).data();
            assertArrayEquals(new byte[] {0, 0x01, 0, 0}, d, "options " + options);
        }
        byte[] d = FakeExecContext.run(lu, rsoc(false, 2, 0xA3, 0x0C, 65535), 65535, null).data();
        assertEquals(0x03, d[1] & 0x07);
    }

    @Test
    void aFullyProvisionedLu_doesNotListUnmapNorBlockErase() {
        byte[] d = FakeExecContext.run(thick, rsoc(false, 0, 0, 0, 65535), 65535, null).data();
        int n = (((d[2] & 0xFF) << 8) | (d[3] & 0xFF)) / 8;
        assertEquals(CommandSets.DISK.rows().size() - 2, n);
        for (int i = 0; i < n; i++) {
            int opcode = d[4 + 8 * i] & 0xFF;
            int sa = u16(d, 4 + 8 * i + 2);
            assertTrue(opcode != 0x42 && !(opcode == 0x48 && sa == 0x02), "opcode " + opcode + "/" + sa);
        }
        assertArrayEquals(new byte[] {0, 0x01, 0, 0},
                FakeExecContext.run(thick, rsoc(false, 1, 0x42, 0, 65535), 65535, null).data(), "UNMAP");
        assertArrayEquals(new byte[] {0, 0x01, 0, 0},
                FakeExecContext.run(thick, rsoc(false, 2, 0x48, 0x02, 65535), 65535, null).data(), "BLOCK ERASE");
        assertEquals(0x03, FakeExecContext.run(thick, rsoc(false, 2, 0x48, 0x03, 65535), 65535, null).data()[1] & 0x07,
                "CRYPTOGRAPHIC ERASE");
    }

    @Test
    void timeoutsDescriptor_givesRecommendedTimeoutsPerKindOfCommand() {
        assertArrayEquals(new long[] {0, 10}, timeouts(thick, 0x12, 0), "INQUIRY");
        assertArrayEquals(new long[] {0, 30}, timeouts(thick, 0x28, 0), "READ(10)");
        assertArrayEquals(new long[] {0, 10}, timeouts(thick, 0x9E, 0x10), "READ CAPACITY(16)");
        assertArrayEquals(new long[] {0, 30}, timeouts(thick, 0x9E, 0x12), "GET LBA STATUS");
        // 1 MiB at the assumed 128 MiB/s: one second a pass
        assertArrayEquals(new long[] {1, 2 + 60}, timeouts(thick, 0x04, 0), "FORMAT UNIT");
        assertArrayEquals(new long[] {1, 2 * 31 + 60}, timeouts(thick, 0x48, 0x01), "SANITIZE OVERWRITE");
        assertArrayEquals(new long[] {0, 10}, timeouts(thick, 0x48, 0x1F), "EXIT FAILURE MODE");
        LuContext slow = LuContexts.of(0, thick.device(), false, thick.nexus(), thick.mode(),
                new org.scstj.engine.lu.WholeMediumState(100 << 10, null));
        assertArrayEquals(new long[] {11, 2 * 11 + 60}, timeouts(slow, 0x48, 0x03), "1 MiB at 100 KiB/s");
    }

    private static long[] timeouts(LuContext lu, int opcode, int sa) {
        boolean hasSa = CommandSets.DISK.hasServiceAction(opcode);
        byte[] d = FakeExecContext.run(lu, rsoc(true, hasSa ? 2 : 1, opcode, sa, 65535), 65535, null).data();
        int at = 4 + u16(d, 2);
        assertEquals(0x0A, u16(d, at), "DESCRIPTOR LENGTH");
        return new long[] {u32(d, at + 4), u32(d, at + 8)};
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    @Test
    void smallAllocationLength_truncates() {
        Outcome o = FakeExecContext.run(lu, rsoc(false, 0, 0, 0, 10), 10, null);
        assertEquals(10, o.data().length);
        assertEquals(10, o.response().transferLength());
    }
}
