package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.VpdPage;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** SPC-5 6.7 INQUIRY: standard data (6.7.2) and the vital product data pages (7.7). */
public final class InquiryData {
    /** T10 VENDOR IDENTIFICATION, 8 ASCII characters. */
    public static final String VENDOR = "SCSTJ   ";
    /** PRODUCT REVISION LEVEL, 4 ASCII characters. */
    public static final String REVISION = " 0.1";
    /**
     * VERSION: 06h (SPC-4). SPC-5 would be 07h, but libiscsi's Inquiry.Standard (1.19) rejects any
     * VERSION above 06h; the version descriptors still claim SPC-5.
     */
    public static final int VERSION = 0x06;

    public static final int SUPPORTED_VPD_PAGES = 0x00;
    public static final int UNIT_SERIAL_NUMBER = 0x80;
    public static final int DEVICE_IDENTIFICATION = 0x83;

    /** SPC-5's own VPD pages; a command set adds its device type's ({@code exec.VpdPage}). */
    private static final int[] COMMON_VPD_PAGES = {SUPPORTED_VPD_PAGES, UNIT_SERIAL_NUMBER, DEVICE_IDENTIFICATION};

    private static final int STANDARD_LENGTH = 96;
    /** PERIPHERAL QUALIFIER 011b, PERIPHERAL DEVICE TYPE 1Fh: no logical unit here (SPC-5 6.7.2). */
    private static final int NO_LOGICAL_UNIT = 0x7F;

    private InquiryData() {
    }

    /** The exec stage of INQUIRY for a mapped logical unit. */
    public static ScsiResponse execute(Cdb.Inquiry cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        byte[] data;
        if (!cdb.evpd()) {
            data = standard(lu.device());
            data[5] |= (byte) (ctx.state().alua().tpgs().bits() << 4); // SPC-5 6.7.2 TPGS (5.16.2.7, 5.16.3)
        } else {
            data = vpdPage(cdb.pageCode(), lu);
            if (data == null) {
                return Failure.invalidFieldInCdb(2, 7).toResponse(lu.descriptorSense());
            }
        }
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /**
     * INQUIRY for a LUN that is not mapped for this initiator (SPC-5 6.7.2: PERIPHERAL QUALIFIER
     * 011b, DEVICE TYPE 1Fh). The session actor calls this without a logical unit. A VPD page
     * other than 00h is INVALID FIELD IN CDB (fixed format: no Control page applies).
     */
    public static ScsiResponse unmappedLun(Cdb.Inquiry cdb, int edtl) {
        byte[] data;
        if (!cdb.evpd()) {
            data = standardHeader(NO_LOGICAL_UNIT, false, "");
        } else if (cdb.pageCode() == SUPPORTED_VPD_PAGES) {
            data = new byte[] {(byte) NO_LOGICAL_UNIT, 0, 0, 1, SUPPORTED_VPD_PAGES};
        } else {
            return Failure.invalidFieldInCdb(2, 7).toResponse(false);
        }
        return AllocationLength.respond(data, data.length, cdb.allocationLength(), edtl);
    }

    /**
     * SPC-5 6.7.2 standard INQUIRY data (96 bytes) of the device's type. A disk's claims SBC and 3PC:
     * its copy manager supports third-party copy (EXTENDED COPY, SPC-4 6.3); a CD/DVD device's claims
     * MMC-6 and has no copy manager.
     */
    public static byte[] standard(BlockDevice device) {
        int type = device.peripheralDeviceType();
        boolean disk = type == BlockDevice.DISK;
        byte[] d = standardHeader(type, device.capabilities().removable(), product(device.handlerType()),
                switch (type) {
                    case BlockDevice.DISK -> VersionDescriptors.CLAIMED;
                    case BlockDevice.TAPE -> VersionDescriptors.CLAIMED_TAPE;
                    case BlockDevice.MEDIUM_CHANGER -> VersionDescriptors.CLAIMED_CHANGER;
                    default -> VersionDescriptors.CLAIMED_CD_DVD;
                });
        if (disk) {
            d[5] |= 0x08;                         // 3PC
        }
        return d;
    }

    private static byte[] standardHeader(int peripheral, boolean removable, String product) {
        return standardHeader(peripheral, removable, product, VersionDescriptors.CLAIMED);
    }

    private static byte[] standardHeader(int peripheral, boolean removable, String product, int[] claimed) {
        byte[] d = new byte[STANDARD_LENGTH];
        d[0] = (byte) peripheral;                 // PERIPHERAL QUALIFIER / DEVICE TYPE
        d[1] = (byte) (removable ? 0x80 : 0);     // RMB
        d[2] = (byte) VERSION;
        d[3] = 0x12;                              // HISUP, RESPONSE DATA FORMAT 2
        d[4] = (byte) (STANDARD_LENGTH - 5);      // ADDITIONAL LENGTH
        d[7] = 0x02;                              // CMDQUE
        ascii(d, 8, 8, VENDOR);
        ascii(d, 16, 16, product);
        ascii(d, 32, 4, REVISION);
        int at = 58;
        for (int descriptor : claimed) {
            put16(d, at, descriptor);
            at += 2;
        }
        return d;
    }

    /** PRODUCT IDENTIFICATION from the handler type: {@code vdisk_fileio} → {@code VDISK_FILEIO}. */
    static String product(String handlerType) {
        return handlerType == null ? "" : handlerType.toUpperCase(Locale.ROOT);
    }

    /** Whether the core serves VPD page {@code page} on this LU itself (SPC-5's, or its command set's). */
    public static boolean corePage(int page, LuContext lu) {
        return page == SUPPORTED_VPD_PAGES || page == UNIT_SERIAL_NUMBER || page == DEVICE_IDENTIFICATION
                || lu.commands().vpdPages().stream().anyMatch(p -> p.code() == page);
    }

    /** A VPD page: SPC-5's own, or one the LU's command set adds; {@code null} if the LU has no such page. */
    public static byte[] vpdPage(int page, LuContext lu) {
        BlockDevice device = lu.device();
        return switch (page) {
            case SUPPORTED_VPD_PAGES -> supportedPages(lu.commands().vpdPages(), device.deviceVpdPages());
            case UNIT_SERIAL_NUMBER -> unitSerialNumber(device.capabilities().serial());
            case DEVICE_IDENTIFICATION -> deviceIdentification(device, lu.nexus());
            default -> {
                for (VpdPage p : lu.commands().vpdPages()) {
                    if (p.code() == page) {
                        yield p.content().apply(lu);
                    }
                }
                yield null;
            }
        };
    }

    /** SPC-5 7.7.16 Supported VPD Pages, in ascending order of page code: the core's, then the device's own. */
    private static byte[] supportedPages(List<VpdPage> added, java.util.Set<Integer> device) {
        int[] codes = java.util.stream.IntStream.concat(java.util.stream.IntStream.concat(
                java.util.Arrays.stream(COMMON_VPD_PAGES), added.stream().mapToInt(VpdPage::code)),
                device.stream().mapToInt(Integer::intValue).filter(c -> c >= 0 && c <= 0xFF)).distinct().sorted()
                .toArray();
        byte[] p = new byte[4 + codes.length];
        put16(p, 2, codes.length);
        for (int i = 0; i < codes.length; i++) {
            p[4 + i] = (byte) codes[i];
        }
        return p;
    }

    /** SPC-5 7.7.18 Unit Serial Number: PRODUCT SERIAL NUMBER in printable ASCII. */
    private static byte[] unitSerialNumber(String serial) {
        byte[] s = printable(serial == null ? "" : serial, 252);
        byte[] p = new byte[4 + s.length];
        p[1] = (byte) UNIT_SERIAL_NUMBER;
        put16(p, 2, s.length);
        System.arraycopy(s, 0, p, 4, s.length);
        return p;
    }

    /**
     * SPC-5 7.7.6 Device Identification: the logical unit's NAA IEEE Registered and T10 vendor ID
     * designators, then the target port's relative target port identifier, target port group and
     * SCSI name string, and the target device's SCSI name string.
     */
    private static byte[] deviceIdentification(BlockDevice device, Nexus nexus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        // NAA IEEE Registered (7.7.6.6.3): binary, logical unit, type 3 NAA
        byte[] naa = new byte[8];
        put64(naa, 0, device.capabilities().naaId());
        designator(out, 0, 0x1, 0b00, 0x3, naa);
        // T10 vendor ID based (7.7.6.4): ASCII, logical unit, type 1
        String serial = device.capabilities().serial() == null ? device.name() : device.capabilities().serial();
        designator(out, 0, 0x2, 0b00, 0x1, printable(VENDOR + serial, 200));
        if (nexus != null) {
            byte[] port = targetPortDesignators(nexus);
            out.write(port, 0, port.length);
        }
        byte[] body = out.toByteArray();
        byte[] p = new byte[4 + body.length];
        p[1] = (byte) DEVICE_IDENTIFICATION;
        put16(p, 2, body.length);
        System.arraycopy(body, 0, p, 4, body.length);
        return p;
    }

    /**
     * SPC-5 7.7.6: the designation descriptors of the target port {@code nexus} came through and of
     * the target device (relative target port, target port group, SCSI name strings), concatenated:
     * a pass-through device's Device Identification page carries these instead of the real device's
     * own port designators.
     */
    public static byte[] targetPortDesignators(Nexus nexus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        // Relative target port (7.7.6.7), PIV 1, protocol iSCSI (5), target port association
        byte[] rtpi = new byte[4];
        put16(rtpi, 2, nexus.relativeTargetPortId());
        designator(out, 0x5, 0x1, 0b01, 0x4, rtpi);
        // Target port group (7.7.6.8)
        byte[] tpg = new byte[4];
        put16(tpg, 2, nexus.targetPortGroup());
        designator(out, 0x5, 0x1, 0b01, 0x5, tpg);
        // SCSI name string (7.7.6.11) of the target port and of the target device
        if (nexus.targetPortName() != null) {
            designator(out, 0x5, 0x3, 0b01, 0x8, scsiName(nexus.targetPortName()));
        }
        if (nexus.targetName() != null) {
            designator(out, 0x5, 0x3, 0b10, 0x8, scsiName(nexus.targetName()));
        }
        return out.toByteArray();
    }

    /** SPC-5 7.7.6.1 designation descriptor; PIV is set whenever a protocol is named. */
    private static void designator(ByteArrayOutputStream out, int protocol, int codeSet, int association,
                                   int type, byte[] value) {
        boolean piv = protocol != 0;
        out.write(protocol << 4 | codeSet);
        out.write((piv ? 0x80 : 0) | association << 4 | type);
        out.write(0);
        out.write(value.length);
        out.write(value, 0, value.length);
    }

    /** SPC-5 7.7.6.11: UTF-8, null-terminated, padded with nulls to a multiple of 4, at most 256 bytes. */
    private static byte[] scsiName(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(256, (utf8.length + 4) & ~3);
        byte[] v = new byte[length];
        System.arraycopy(utf8, 0, v, 0, Math.min(utf8.length, length - 1));
        return v;
    }

    /** ASCII restricted to 20h..7Eh (SPC-5 4.3.1), other characters become '_', at most {@code max} bytes. */
    private static byte[] printable(String s, int max) {
        int n = Math.min(s.length(), max);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b[i] = (byte) (c >= 0x20 && c <= 0x7E ? c : '_');
        }
        return b;
    }

    /** A left-aligned, space-padded ASCII field. */
    private static void ascii(byte[] d, int at, int width, String s) {
        byte[] b = printable(s, width);
        java.util.Arrays.fill(d, at, at + width, (byte) ' ');
        System.arraycopy(b, 0, d, at, b.length);
    }
}
