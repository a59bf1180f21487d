package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.spi.LunFormat;
import org.scstj.engine.spi.ScsiResponse;

import java.util.Arrays;

class ReportLunsTest {

    @Test
    void lunsBelow256_usePeripheralAddressingAndAbove_flatSpace() {
        byte[] d = ReportLuns.parameterData(0, new int[] {0, 5, 300, 16383});
        assertEquals(8 + 32, d.length);
        assertArrayEquals(new byte[] {0, 0, 0, 32, 0, 0, 0, 0}, Arrays.copyOf(d, 8));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(d, 8, 16));
        assertArrayEquals(new byte[] {0, 5, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(d, 16, 24));
        assertArrayEquals(new byte[] {0x41, 0x2C, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(d, 24, 32));
        assertArrayEquals(new byte[] {0x7F, (byte) 0xFF, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(d, 32, 40));
    }

    @Test
    void wellKnownAndAdministrativeSelections_reportNoLuns() {
        for (int select : new int[] {0x01, 0x10, 0x12}) {
            assertArrayEquals(new byte[8], ReportLuns.parameterData(select, new int[] {0, 1}), "select " + select);
        }
        assertEquals(24, ReportLuns.parameterData(0x02, new int[] {0, 1}).length);
        assertEquals(24, ReportLuns.parameterData(0x11, new int[] {0, 1}).length);
    }

    @Test
    void smallAllocationLength_truncatesButKeepsTheListLength() {
        ScsiResponse r = ReportLuns.respond(new Cdb.ReportLuns(0, 12), new int[] {0, 1, 2}, 4096);
        assertEquals(12, r.transferLength());
        byte[] d = new byte[r.dataIn().length()];
        r.dataIn().nio().get(d);
        assertEquals(12, d.length);
        assertEquals(24, d[3]);
    }

    @Test
    void hugeAllocationLength_returnsOnlyTheList() {
        ScsiResponse r = ReportLuns.respond(new Cdb.ReportLuns(0, 0xFFFF_FFFFL), new int[] {7}, 0x10000);
        assertEquals(16, r.transferLength());
    }

    @Test
    void lunFormat_roundTripsAndRejectsOtherAddressingMethods() {
        for (int lun : new int[] {0, 1, 255, 256, 4095, 16383}) {
            assertEquals(lun, LunFormat.decode(LunFormat.encode(lun)));
        }
        assertEquals(1, LunFormat.decode(0x0001_0000_0000_0000L));
        assertEquals(-1, LunFormat.decode(0x0101_0000_0000_0000L), "bus 1");
        assertEquals(-1, LunFormat.decode(0x8001_0000_0000_0000L), "logical unit addressing");
        assertEquals(-1, LunFormat.decode(0x0001_0001_0000_0000L), "second level");
        assertThrows(IllegalArgumentException.class, () -> LunFormat.encode(16384));
    }
}
