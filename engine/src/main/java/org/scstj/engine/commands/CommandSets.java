package org.scstj.engine.commands;

import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.VpdPage;
import org.scstj.engine.sbc.BlockVpdPages;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.xcopy.ThirdPartyCopyVpd;

import java.util.ArrayList;
import java.util.List;

/**
 * The command set of each peripheral device type scstj serves (SPC-5 6.7.2 PERIPHERAL DEVICE TYPE):
 * SPC-5's common commands plus the type's own. SSC, SMC and pass-through sets join here.
 */
public final class CommandSets {
    private CommandSets() {
    }

    /** Peripheral device type 00h, direct access block device: SPC-5 and SBC-4. */
    public static final CommandSet DISK = new CommandSet("direct access block device (SBC-4)",
            concat(SpcCommands.ROWS, SbcCommands.ROWS), List.of(
                    new VpdPage(ThirdPartyCopyVpd.PAGE_CODE, lu -> ThirdPartyCopyVpd.page()),
                    new VpdPage(BlockVpdPages.BLOCK_LIMITS, lu -> BlockVpdPages.blockLimits(lu.device())),
                    new VpdPage(BlockVpdPages.BLOCK_DEVICE_CHARACTERISTICS,
                            lu -> BlockVpdPages.blockDeviceCharacteristics(lu.device())),
                    new VpdPage(BlockVpdPages.LOGICAL_BLOCK_PROVISIONING,
                            lu -> BlockVpdPages.logicalBlockProvisioning(lu.device()))));

    /** Peripheral device type 01h, a sequential-access device (tape drive): SPC-5 and SSC-3. */
    public static final CommandSet TAPE = new CommandSet("sequential-access device (SSC-3)", SscCommands.rows(), List.of());

    /** Peripheral device type 08h, a medium changer: SPC-5 and SMC-3. */
    public static final CommandSet MEDIUM_CHANGER = new CommandSet("medium changer (SMC-3)", SmcCommands.rows(), List.of());

    /**
     * Peripheral device type 05h, a CD/DVD device: SPC-5, MMC-6 and the block commands they share.
     * No VPD pages besides SPC-5's (a disc drive has no block limits or provisioning).
     */
    public static final CommandSet CD_DVD = new CommandSet("CD/DVD device (MMC-6)", MmcCommands.rows(), List.of());

    /**
     * SPC-5's commands alone: what a nexus's commands are decoded with when their LUN is not one it
     * may address (SPC-5 6.7.2, 6.33, 6.39 answer INQUIRY, REPORT LUNS and REQUEST SENSE there).
     */
    public static final CommandSet COMMON = new CommandSet("common (SPC-5)", SpcCommands.ROWS, List.of());

    /** The set for a peripheral device type, or null when scstj serves none of that type. */
    public static CommandSet forType(int peripheralDeviceType) {
        return switch (peripheralDeviceType) {
            case 0x00 -> DISK;
            case 0x01 -> TAPE;
            case 0x05 -> CD_DVD;
            case 0x08 -> MEDIUM_CHANGER;
            default -> null;
        };
    }

    /**
     * The rows of a device type built on SPC-5's: every SPC-5 row but those named in {@code
     * notFromSpc} (without EXTENDED COPY, RECEIVE COPY RESULTS goes too: no copy manager), the SBC-4
     * rows named in {@code fromSbc} (the same CDB and rules on this type), then the type's own.
     *
     * @throws IllegalStateException when a name in {@code fromSbc} has no SBC-4 row
     */
    static List<CommandRow> compose(java.util.Set<String> notFromSpc, java.util.Set<String> fromSbc,
                                    List<CommandRow> own) {
        boolean noCopyManager = notFromSpc.contains("EXTENDED COPY(LID1)");
        List<CommandRow> all = new ArrayList<>();
        for (CommandRow r : SpcCommands.ROWS) {
            if (!notFromSpc.contains(r.name()) && !(noCopyManager && r.name().startsWith("RECEIVE COPY RESULTS"))) {
                all.add(r);
            }
        }
        int shared = 0;
        for (CommandRow r : SbcCommands.ROWS) {
            if (fromSbc.contains(r.name())) {
                all.add(r);
                shared++;
            }
        }
        if (shared != fromSbc.size()) {
            throw new IllegalStateException("a shared row is missing from SbcCommands: " + fromSbc);
        }
        all.addAll(own);
        return all;
    }

    /**
     * The set a device is served with: the pass-through set of its type when it is a real SCSI
     * device that executes commands itself ({@link BlockDevice#passThrough}), else {@link #forType},
     * with the commands it has no row for sent to the device when the device takes them
     * ({@link BlockDevice#otherCommands}).
     */
    public static CommandSet forDevice(BlockDevice device) {
        if (device.passThrough() != null) {
            return PassThroughCommands.forType(device.peripheralDeviceType(), device.passThrough().answersInquiry());
        }
        CommandSet own = forType(device.peripheralDeviceType());
        return own != null && device.otherCommands() != null ? PassThroughCommands.othersToDevice(own) : own;
    }

    private static List<CommandRow> concat(List<CommandRow> a, List<CommandRow> b) {
        List<CommandRow> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
