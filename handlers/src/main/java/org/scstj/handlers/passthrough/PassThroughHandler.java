package org.scstj.handlers.passthrough;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.ScsiResponse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A pass-through handler: real SCSI devices of one peripheral device type (SPC-5 6.7.2) behind
 * their SG nodes, one handler per type as in SCST ({@code dev_disk} for 00h, {@code dev_tape} 01h,
 * {@code dev_processor} 03h, {@code dev_cdrom} 05h, {@code dev_modisk} 07h, {@code dev_changer} 08h,
 * {@code dev_raid} 0Ch), each registered for {@link java.util.ServiceLoader} by its nested class.
 * One class with the type as a parameter keeps the rules in one place; a handler per type keeps
 * the configuration SCST's (a {@code dev_tape} block holds tape drives only) and lets {@code open}
 * refuse a device of another type.
 *
 * <p>Opening a device: its node is found ({@link SgAddress}) and opened; SG_GET_VERSION_NUM must
 * answer (a node that is not an SG node is refused, saying so) with the sg v3 interface (3.0 or
 * later); an INQUIRY must find a logical unit (PERIPHERAL QUALIFIER 000b) of the handler's type. A
 * disk-like device's READ CAPACITY(10) gives the geometry the engine logs and orders by.
 */
public class PassThroughHandler implements DeviceHandlerFactory {
    /** The sg v3 interface (sg_io_hdr) came with sg 3.0: SG_GET_VERSION_NUM 30000. */
    static final int SG_V3 = 30000;
    private static final int INQUIRY_LENGTH = 96;
    /** Unit attentions (power on, reset) an INQUIRY at open may meet before the device answers it. */
    private static final int OPEN_ATTEMPTS = 4;
    private static final int UNIT_ATTENTION = 0x6;

    private final String type;
    private final int peripheralDeviceType;
    private final SgLayer sg;
    private final SgAddress address;

    /** A handler over the kernel's SG driver and the system's sysfs. */
    protected PassThroughHandler(String type, int peripheralDeviceType) {
        this(type, peripheralDeviceType, new NativeSg(), SgAddress.SYSTEM);
    }

    /** A handler over {@code sg}, finding nodes under {@code sysfs} and {@code dev}. */
    public PassThroughHandler(String type, int peripheralDeviceType, SgLayer sg, Path sysfs, Path dev) {
        this(type, peripheralDeviceType, sg, new SgAddress(sysfs, dev));
    }

    private PassThroughHandler(String type, int peripheralDeviceType, SgLayer sg, SgAddress address) {
        this.type = type;
        this.peripheralDeviceType = peripheralDeviceType;
        this.sg = sg;
        this.address = address;
    }

    /** {@code dev_disk}: direct access block devices (SBC-4). */
    public static final class Disk extends PassThroughHandler {
        public Disk() {
            super("dev_disk", 0x00);
        }
    }

    /** {@code dev_tape}: sequential-access devices, tape drives (SSC-3). */
    public static final class Tape extends PassThroughHandler {
        public Tape() {
            super("dev_tape", 0x01);
        }
    }

    /** {@code dev_processor}: processor devices (SPC-2), e.g. enclosure processors of old. */
    public static final class Processor extends PassThroughHandler {
        public Processor() {
            super("dev_processor", 0x03);
        }
    }

    /** {@code dev_cdrom}: CD/DVD devices (MMC-6). */
    public static final class Cdrom extends PassThroughHandler {
        public Cdrom() {
            super("dev_cdrom", 0x05);
        }
    }

    /** {@code dev_modisk}: optical memory devices (SBC-4 for MO). */
    public static final class Modisk extends PassThroughHandler {
        public Modisk() {
            super("dev_modisk", 0x07);
        }
    }

    /** {@code dev_changer}: medium changers, tape libraries (SMC-3). */
    public static final class Changer extends PassThroughHandler {
        public Changer() {
            super("dev_changer", 0x08);
        }
    }

    /** {@code dev_raid}: storage array controllers (SCC-2). */
    public static final class Raid extends PassThroughHandler {
        public Raid() {
            super("dev_raid", 0x0C);
        }
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute(PassThroughSettings.DEVICE, "string", "", null, false,
                        "the SCSI device: its SG node /dev/sgN, another node of it (/dev/sdb, /dev/nst0,"
                                + " /dev/disk/by-id/...) or its address host:channel:target:lun"),
                new Attribute(PassThroughSettings.THREADS, "int", "", "4", false,
                        "commands in the device at once (each waits in SG_IO on a thread of this pool)"),
                new Attribute(PassThroughSettings.TIMEOUT, "string", "", null, false,
                        "how long the kernel waits for one command before aborting it"),
                new Attribute(PassThroughSettings.MAX_TRANSFER, "size", "bytes", null, false,
                        "the largest data transfer of one command; default: the limit the SG driver reports"));
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        PassThroughSettings s = PassThroughSettings.read(type, deviceConfig, problems);
        if (s.device() != null) {
            try {
                address.resolve(s.device());
            } catch (IOException e) {
                problems.add(PassThroughSettings.DEVICE + ": " + e.getMessage());
            }
        }
        return problems;
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        List<String> problems = new ArrayList<>();
        PassThroughSettings s = PassThroughSettings.read(type, deviceConfig, problems);
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems));
        }
        Path node;
        try {
            node = address.resolve(s.device());
        } catch (IOException e) {
            throw new IOException(PassThroughSettings.DEVICE + ": " + e.getMessage(), e);
        }
        SgLayer.Device device = sg.open(node);
        try {
            int version;
            try {
                version = device.versionNumber();
            } catch (IOException e) {
                throw new IOException(PassThroughSettings.DEVICE + ": " + node + " is not a SCSI generic (sg) device"
                        + " (SG_GET_VERSION_NUM: " + e.getMessage() + ")", e);
            }
            if (version < SG_V3) {
                throw new IOException(PassThroughSettings.DEVICE + ": " + node + ": sg driver " + version
                        + " is older than 3.0, without the SG_IO interface");
            }
            byte[] inquiry = inquiry(device, node, s);
            int qualifier = (inquiry[0] & 0xFF) >>> 5;
            int found = inquiry[0] & 0x1F;
            if (qualifier != 0) {
                throw new IOException(PassThroughSettings.DEVICE + ": " + node + " has no logical unit connected"
                        + " (INQUIRY PERIPHERAL QUALIFIER " + Integer.toBinaryString(qualifier) + "b)");
            }
            if (found != peripheralDeviceType) {
                throw new IOException(String.format("%s: %s is %s (peripheral device type %02Xh), not %s for %s%s",
                        PassThroughSettings.DEVICE, node, typeName(found), found, typeName(peripheralDeviceType), type,
                        handlerFor(found) == null ? "" : "; use " + handlerFor(found)));
            }
            int max = (int) s.maxTransfer();
            if (max == 0) {
                try {
                    max = device.maxTransferBytes();
                } catch (IOException e) {
                    throw new IOException(PassThroughSettings.DEVICE + ": " + node + ": the transfer limit is unknown ("
                            + e.getMessage() + "); set " + PassThroughSettings.MAX_TRANSFER, e);
                }
            }
            int blockSize = 512;
            long blockCount = 0;
            if (found == 0x00 || found == 0x05 || found == 0x07) {
                long[] capacity = readCapacity(device, s);
                if (capacity != null) {
                    blockCount = capacity[0];
                    blockSize = (int) capacity[1];
                }
            }
            boolean removable = (inquiry[1] & 0x80) != 0;
            String serial = node.getFileName() + " " + ascii(inquiry, 8, 8) + " " + ascii(inquiry, 16, 16);
            return new PassThroughDevice(deviceName, type, found, device, s, max, blockSize, blockCount,
                    new BlockDevice.Capabilities(false, false, false, removable, 0, serial.strip(), 0),
                    context.blockingExecutor());
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /** Standard INQUIRY (SPC-5 6.7.2), past the unit attentions the device may report first. */
    private static byte[] inquiry(SgLayer.Device device, Path node, PassThroughSettings s) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ByteBuffer data = ByteBuffer.allocate(INQUIRY_LENGTH);
            SgLayer.Answer a = device.execute(new byte[] {0x12, 0, 0, 0, (byte) INQUIRY_LENGTH, 0},
                    SgLayer.DXFER_FROM_DEV, data, s.timeoutMs());
            if (a.hostStatus() == 0 && a.status() == ScsiResponse.GOOD && INQUIRY_LENGTH - a.residual() >= 5) {
                return data.array();
            }
            boolean unitAttention = a.status() == ScsiResponse.CHECK_CONDITION && senseKey(a.sense()) == UNIT_ATTENTION;
            if (!unitAttention || attempt == OPEN_ATTEMPTS) {
                throw new IOException(String.format("%s: %s: INQUIRY failed (status %02Xh, host status %02Xh,"
                        + " sense key %Xh)", PassThroughSettings.DEVICE, node, a.status(), a.hostStatus(),
                        senseKey(a.sense())));
            }
        }
    }

    /** READ CAPACITY(10) (SBC-4 5.20): {blocks, block size}, or null without a medium or an answer. */
    private static long[] readCapacity(SgLayer.Device device, PassThroughSettings s) {
        for (int attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
            ByteBuffer data = ByteBuffer.allocate(8);
            try {
                SgLayer.Answer a = device.execute(new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                        SgLayer.DXFER_FROM_DEV, data, s.timeoutMs());
                if (a.hostStatus() == 0 && a.status() == ScsiResponse.GOOD && a.residual() == 0) {
                    return new long[] {(data.getInt(0) & 0xFFFF_FFFFL) + 1, data.getInt(4)};
                }
                if (senseKey(a.sense()) != UNIT_ATTENTION) {
                    return null;
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static int senseKey(byte[] sense) {
        if (sense == null || sense.length < 3) {
            return -1;
        }
        return (sense[0] & 0x7F) >= 0x72 ? sense[1] & 0x0F : sense[2] & 0x0F;
    }

    private static String ascii(byte[] d, int at, int n) {
        return new String(d, at, n, java.nio.charset.StandardCharsets.US_ASCII).strip();
    }

    /** SPC-5 6.7.2 table of peripheral device types, for messages. */
    static String typeName(int type) {
        return switch (type) {
            case 0x00 -> "a direct access block device";
            case 0x01 -> "a sequential-access device";
            case 0x02 -> "a printer device";
            case 0x03 -> "a processor device";
            case 0x04 -> "a write-once device";
            case 0x05 -> "a CD/DVD device";
            case 0x07 -> "an optical memory device";
            case 0x08 -> "a medium changer";
            case 0x0C -> "a storage array controller";
            case 0x0D -> "an enclosure services device";
            case 0x0E -> "a simplified direct-access device";
            default -> String.format("a device of type %02Xh", type);
        };
    }

    /** The handler of a peripheral device type, or null when there is none. */
    static String handlerFor(int type) {
        return switch (type) {
            case 0x00 -> "dev_disk";
            case 0x01 -> "dev_tape";
            case 0x03 -> "dev_processor";
            case 0x05 -> "dev_cdrom";
            case 0x07 -> "dev_modisk";
            case 0x08 -> "dev_changer";
            case 0x0C -> "dev_raid";
            default -> null;
        };
    }
}
