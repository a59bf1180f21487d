package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sense.FieldPointer;

/** READ DEFECT DATA(10/12), SBC-4 5.19 / 5.20 (libiscsi ReadDefectData10, ReadDefectData12). */
class ReadDefectDataTest {
    private final LuContext lu = FakeExecContext.lu(new RamBlockDevice(512, 1000), false, false);

    static byte[] rdd10(boolean plist, boolean glist, int format, int allocationLength) {
        return new byte[] {0x37, 0, (byte) ((plist ? 0x10 : 0) | (glist ? 0x08 : 0) | format), 0, 0, 0, 0,
                (byte) (allocationLength >>> 8), (byte) allocationLength, 0};
    }

    static byte[] rdd12(boolean plist, boolean glist, int format, long index, long allocationLength) {
        byte[] c = new byte[12];
        c[0] = (byte) 0xB7;
        c[1] = (byte) ((plist ? 0x10 : 0) | (glist ? 0x08 : 0) | format);
        for (int i = 0; i < 4; i++) {
            c[2 + i] = (byte) (index >>> (24 - 8 * i));
            c[6 + i] = (byte) (allocationLength >>> (24 - 8 * i));
        }
        return c;
    }

    @Test
    void readDefectData10_isAnEmptyListHeader_inTheRequestedFormat() {
        Outcome o = FakeExecContext.run(lu, rdd10(false, false, 0, 32), 32, null);
        assertEquals("GOOD", o.sense());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, o.data());
        assertArrayEquals(new byte[] {0, 0x18 | 0b011, 0, 0},
                FakeExecContext.run(lu, rdd10(true, true, 0b011, 32), 32, null).data(), "PLISTV, GLISTV, long block");
        assertArrayEquals(new byte[] {0, 0x10 | 0b101, 0, 0},
                FakeExecContext.run(lu, rdd10(true, false, 0b101, 32), 32, null).data());
    }

    @Test
    void readDefectData12_hasTheEightByteHeader_whateverTheIndex() {
        Outcome o = FakeExecContext.run(lu, rdd12(false, true, 0b100, 7, 32), 32, null);
        assertEquals("GOOD", o.sense());
        assertArrayEquals(new byte[] {0, 0x08 | 0b100, 0, 0, 0, 0, 0, 0}, o.data());
        assertArrayEquals(new byte[8], FakeExecContext.run(lu, rdd12(false, false, 0, 0, 32), 32, null).data());
    }

    @Test
    void allocationLength_cutsTheHeaderWithoutError() {
        Outcome o = FakeExecContext.run(lu, rdd10(true, true, 0, 2), 2, null);
        assertEquals("GOOD", o.sense());
        assertArrayEquals(new byte[] {0, 0x18}, o.data());
        assertEquals(2, o.response().transferLength());
        Outcome none = FakeExecContext.run(lu, rdd12(true, true, 0, 0, 0), 0, null);
        assertEquals("GOOD", none.sense());
        assertEquals(0, none.data().length);
        assertEquals(8, FakeExecContext.run(lu, rdd12(false, false, 0, 0, 0xFFFF_FFFFL), 100, null).data().length);
    }

    @Test
    void reservedFormat111b_isInvalidFieldInCdb_pointingAtTheFormat() {
        var r10 = assertInstanceOf(Decoded.Rejected.class, Decode.decode(rdd10(false, false, 0b111, 4))).failure();
        assertEquals(FieldPointer.cdb(2, 2), r10.pointer());
        var r12 = assertInstanceOf(Decoded.Rejected.class, Decode.decode(rdd12(false, false, 0b111, 0, 8))).failure();
        assertEquals(FieldPointer.cdb(1, 2), r12.pointer());
    }

    @Test
    void reservedBits_areRejected() {
        byte[] c = rdd10(false, false, 0, 4);
        c[2] |= 0x20;
        assertInstanceOf(Decoded.Rejected.class, Decode.decode(c));
        byte[] d = rdd12(false, false, 0, 0, 8);
        d[10] = 1;
        assertInstanceOf(Decoded.Rejected.class, Decode.decode(d));
    }
}
