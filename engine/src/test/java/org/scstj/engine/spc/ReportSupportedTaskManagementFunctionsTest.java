package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;

/** SPC-5 6.38 REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS. */
class ReportSupportedTaskManagementFunctionsTest {
    private final LuContext lu = FakeExecContext.lu(new RamBlockDevice(512, 10), false, false);

    static byte[] rstmf(boolean repd, int alloc) {
        return new byte[] {(byte) 0xA3, 0x0D, (byte) (repd ? 0x80 : 0), 0, 0, 0, (byte) (alloc >>> 24),
                (byte) (alloc >>> 16), (byte) (alloc >>> 8), (byte) alloc, 0, 0};
    }

    @Test
    void reportsTheFunctionsIscsiDeliversAndTheEngineCarriesOut() {
        // ATS, ATSS, CACAS, CTSS, LURS; no QUERY TASK / QUERY TASK SET / QUERY ASYNC EVENT, no I_T NEXUS RESET
        assertArrayEquals(new byte[] {(byte) 0xF8, 0, 0, 0},
                FakeExecContext.run(lu, rstmf(false, 255), 255, null).data());
    }

    @Test
    void repd_returnsTheExtendedDataWithoutTimeouts() {
        byte[] d = FakeExecContext.run(lu, rstmf(true, 255), 255, null).data();
        assertEquals(16, d.length);
        assertEquals((byte) 0xF8, d[0]);
        assertEquals(0x0C, d[3], "ADDITIONAL DATA LENGTH");
        assertEquals(0, d[4] & 0x01, "TMFTMOV 0");
    }

    @Test
    void allocationLengthUnderFour_isInvalidFieldInCdb_andOtherwiseCutsTheData() {
        Outcome o = FakeExecContext.run(lu, rstmf(false, 3), 3, null);
        assertEquals("05/24/00", o.sense());
        byte[] s = o.response().sense();
        assertEquals(6, s[17]);
        Outcome cut = FakeExecContext.run(lu, rstmf(true, 4), 4, null);
        assertEquals(4, cut.response().transferLength());
        assertArrayEquals(new byte[] {(byte) 0xF8, 0, 0, 0x0C}, cut.data());
    }
}
