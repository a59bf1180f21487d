package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

class InquiryDataTest {
    private final RamBlockDevice device = new RamBlockDevice(512, 100);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] inquiry(boolean evpd, int page, int allocationLength) {
        return new byte[] {0x12, (byte) (evpd ? 1 : 0), (byte) page, (byte) (allocationLength >>> 8),
                (byte) allocationLength, 0};
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    @Test
    void standardData_describesADirectAccessDevice() {
        byte[] d = FakeExecContext.run(lu, inquiry(false, 0, 255), 255, null).data();
        assertEquals(96, d.length);
        assertEquals(0x00, d[0], "qualifier 000b, type 00h");
        assertEquals(0x00, d[1], "not removable");
        assertEquals(InquiryData.VERSION, d[2]);
        assertEquals(0x12, d[3], "HISUP, response data format 2");
        assertEquals(91, d[4], "ADDITIONAL LENGTH");
        assertEquals(0x02, d[7], "CMDQUE");
        assertEquals("SCSTJ   ", new String(d, 8, 8, StandardCharsets.US_ASCII));
        assertEquals("VDISK_NULLIO    ", new String(d, 16, 16, StandardCharsets.US_ASCII));
        for (int i = 8; i < 36; i++) {
            assertTrue(d[i] >= 0x20 && d[i] <= 0x7E, "printable at " + i);
        }
        Set<Integer> descriptors = new HashSet<>();
        for (int at = 58; at < 74; at += 2) {
            descriptors.add(u16(d, at));
        }
        assertTrue(descriptors.containsAll(Set.of(0x00A0, 0x0960, 0x05C0, 0x0600, 0x0460, 0x04C0)));
    }

    @Test
    void standardData_setsRmbForRemovableMedia() {
        device.capabilities(new BlockDevice.Capabilities(false, false, false, true, 0, "S", 1));
        assertEquals((byte) 0x80, InquiryData.standard(device)[1]);
    }

    @Test
    void smallAllocationLength_truncatesWithoutError() {
        for (int alloc : new int[] {0, 5, 36, 95}) {
            Outcome o = FakeExecContext.run(lu, inquiry(false, 0, alloc), 512, null);
            assertEquals(ScsiResponse.GOOD, o.status());
            assertEquals(alloc, o.response().transferLength());
            assertEquals(alloc, o.data().length);
        }
    }

    @Test
    void largeAllocationLength_returnsOnlyWhatExists() {
        Outcome a = FakeExecContext.run(lu, inquiry(false, 0, 511), 511, null);
        Outcome b = FakeExecContext.run(lu, inquiry(false, 0, 512), 512, null);
        assertArrayEquals(a.data(), b.data());
        assertEquals(96, b.response().transferLength());
    }

    @Test
    void edtlSmallerThanAllocationLength_sendsOnlyEdtl() {
        Outcome o = FakeExecContext.run(lu, inquiry(false, 0, 96), 36, null);
        assertEquals(36, o.data().length);
        assertEquals(96, o.response().transferLength());
    }

    @Test
    void supportedVpdPages_areAscendingAndEachIsServed() {
        byte[] d = FakeExecContext.run(lu, inquiry(true, 0, 255), 255, null).data();
        assertEquals(0, d[1]);
        int n = u16(d, 2);
        assertEquals(7, n);
        for (int i = 0; i < n; i++) {
            int page = d[4 + i] & 0xFF;
            if (i > 0) {
                assertTrue(page > (d[3 + i] & 0xFF), "ascending");
            }
            Outcome o = FakeExecContext.run(lu, inquiry(true, page, 255), 255, null);
            assertEquals("GOOD", o.sense(), "page " + page);
            byte[] p = o.data();
            assertEquals(page, p[1] & 0xFF);
            assertEquals(p.length, u16(p, 2) + 4, "page length of " + page);
        }
    }

    @Test
    void unsupportedVpdPage_isInvalidFieldInCdb() {
        Outcome o = FakeExecContext.run(lu, inquiry(true, 0x99, 255), 255, null);
        assertEquals("05/24/00", o.sense());
        assertEquals(2, o.response().sense()[17]);
    }

    @Test
    void unitSerialNumberPage_carriesTheDeviceSerial() {
        byte[] d = FakeExecContext.run(lu, inquiry(true, 0x80, 255), 255, null).data();
        assertEquals("SN0001", new String(d, 4, d.length - 4, StandardCharsets.US_ASCII));
    }

    @Test
    void deviceIdentificationPage_namesTheLogicalUnitAndTheTargetPort() {
        byte[] d = FakeExecContext.run(lu, inquiry(true, 0x83, 255), 255, null).data();
        boolean naa = false;
        boolean t10 = false;
        boolean rtpi = false;
        boolean portName = false;
        for (int at = 4; at < d.length; at += 4 + (d[at + 3] & 0xFF)) {
            int type = d[at + 1] & 0x0F;
            int association = (d[at + 1] >>> 4) & 0x03;
            byte[] value = Arrays.copyOfRange(d, at + 4, at + 4 + (d[at + 3] & 0xFF));
            if (type == 3 && association == 0) {
                naa = Arrays.equals(value, new byte[] {0x60, 0x01, 0x40, 0x50, 0, 0, 0, 1});
            } else if (type == 1) {
                t10 = new String(value, StandardCharsets.US_ASCII).startsWith("SCSTJ   ");
            } else if (type == 4 && association == 1) {
                rtpi = value[3] == 3 && (d[at + 1] & 0x80) != 0 && (d[at] >>> 4) == 5;
            } else if (type == 8 && association == 1) {
                portName = new String(value, StandardCharsets.UTF_8).startsWith("iqn.2026-11.org.scstj:storage,t,0x1\0")
                        && value.length % 4 == 0;
            }
        }
        assertTrue(naa, "NAA designator");
        assertTrue(t10, "T10 vendor designator");
        assertTrue(rtpi, "relative target port designator");
        assertTrue(portName, "target port SCSI name string");
    }

    @Test
    void blockLimitsPage_advertisesTheEnforcedMaximumTransfer() {
        byte[] d = FakeExecContext.run(lu, inquiry(true, 0xB0, 255), 255, null).data();
        assertEquals(0x40, d.length);
        long max = ((d[8] & 0xFFL) << 24) | ((d[9] & 0xFF) << 16) | ((d[10] & 0xFF) << 8) | (d[11] & 0xFF);
        assertEquals((8 << 20) / 512, max);
        assertEquals(0, d[20] | d[21] | d[22] | d[23], "no UNMAP on a fully provisioned device");
    }

    @Test
    void provisioningPage_followsTheDevice_thinAdvertisesUnmapAndWriteSameUnmap() {
        byte[] full = FakeExecContext.run(lu, inquiry(true, 0xB2, 255), 255, null).data();
        assertEquals(0, full[5]);
        assertEquals(0, full[6]);
        device.capabilities(new BlockDevice.Capabilities(false, true, false, false, 1, "S", 1));
        byte[] thin = FakeExecContext.run(lu, inquiry(true, 0xB2, 255), 255, null).data();
        assertEquals(0xE0, thin[5] & 0xE0, "LBPU, LBPWS, LBPWS10");
        assertEquals(0b001, (thin[5] >>> 2) & 0x07, "LBPRZ");
        assertEquals(2, thin[6] & 0x07, "thin provisioned");
    }

    @Test
    void unmappedLun_answersPeripheralQualifier011bDeviceType1Fh() {
        ScsiResponse r = InquiryData.unmappedLun(new Cdb.Inquiry(false, 0, 36), 36);
        assertEquals(ScsiResponse.GOOD, r.status());
        assertEquals(36, r.transferLength());
        byte[] d = new byte[r.dataIn().length()];
        r.dataIn().nio().get(d);
        assertEquals(0x7F, d[0]);
        assertEquals(0, d[5] & 0x08, "no 3PC without a logical unit");
        assertEquals("SCSTJ   ", new String(d, 8, 8, StandardCharsets.US_ASCII));
        ScsiResponse vpd = InquiryData.unmappedLun(new Cdb.Inquiry(true, 0x83, 255), 255);
        assertEquals(ScsiResponse.CHECK_CONDITION, vpd.status());
        ScsiResponse none = InquiryData.unmappedLun(new Cdb.Inquiry(false, 0, 0), 0);
        assertNull(none.dataIn());
    }
}
