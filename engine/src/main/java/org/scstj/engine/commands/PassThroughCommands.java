package org.scstj.engine.commands;

import static org.scstj.engine.cdb.DataDirection.IN;
import static org.scstj.engine.cdb.DataDirection.NONE;
import static org.scstj.engine.cdb.DataDirection.OUT;
import static org.scstj.engine.exec.CommandRow.ACTIVE_OR_STANDBY;
import static org.scstj.engine.exec.CommandRow.Timeout.CONTROL;
import static org.scstj.engine.exec.CommandRow.Timeout.MEDIUM;
import static org.scstj.engine.exec.CommandRow.row;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.DataDirection;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.passthrough.PassThroughInquiry;
import org.scstj.engine.passthrough.PassThroughOp;
import org.scstj.engine.pr.ReservationClass;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The command set of a pass-through device (a real SCSI device behind {@code /dev/sgN}), whatever
 * its peripheral device type: SCST's split between the core and {@code scst_pass-through}. The
 * core's own rows are SPC-5's for what belongs to the target, never to the device (SAM-5 4.6,
 * 5.14; SPC-5 5.14): REPORT LUNS, REQUEST SENSE (autosense is the core's too), SPC-2 RESERVE /
 * RELEASE, PERSISTENT RESERVE IN / OUT, REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS, and INQUIRY,
 * which the device answers but for the target port designators ({@link PassThroughInquiry}).
 * Every other command goes to the device as it came: a few rows here give well-known opcodes their
 * SPC-5 5.14.3 / SBC-4 4.17 reservation class, write protection and the step after them (MODE
 * SELECT, LOG SELECT); the {@linkplain CommandSet#withFallback fallback row} takes the rest as a
 * medium-access command: a conflict under another nexus's reservation of any kind, allowed only in
 * the active ALUA states. The device checks its CDBs itself: these rows' usage masks allow every
 * bit but NACA and LINK.
 */
public final class PassThroughCommands {
    private PassThroughCommands() {
    }

    /** SPC-5 6.8 LOG SELECT. */
    private static final int LOG_SELECT = 0x4C;

    private static final Set<String> CORE = Set.of("REQUEST SENSE", "INQUIRY", "RESERVE(6)", "RELEASE(6)",
            "RESERVE(10)", "RELEASE(10)", "REPORT LUNS", "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS");

    /**
     * The core's rows: SPC-5's, INQUIRY answered through the device ({@code deviceInquiry}) or by
     * the core as for an emulated device.
     */
    static List<CommandRow> coreRows(boolean deviceInquiry) {
        List<CommandRow> rows = new ArrayList<>();
        for (CommandRow r : SpcCommands.ROWS) {
            if (r.name().equals("INQUIRY") && !deviceInquiry) {
                rows.add(r.withExecutor((cdb, ctx) -> PassThroughInquiry.coreOrDevicePage((Cdb.Inquiry) cdb, ctx)));
            } else if (r.name().equals("INQUIRY")) {
                rows.add(r.withExecutor((cdb, ctx) -> PassThroughInquiry.execute((Cdb.Inquiry) cdb, ctx)));
            } else if (CORE.contains(r.name()) || r.name().startsWith("PERSISTENT RESERVE")) {
                rows.add(r);
            }
        }
        return rows;
    }

    /** Rows of commands the device executes whose rules the core knows. */
    static final List<CommandRow> DEVICE_ROWS = List.of(
            device("TEST UNIT READY", Opcodes.TEST_UNIT_READY, NONE).reservation(ReservationClass.ALLOWED)
                    .timeout(CONTROL).build(),
            device("READ(6)", Opcodes.READ_6, IN).reservation(ReservationClass.READ).timeout(MEDIUM).build(),
            device("WRITE(6)", Opcodes.WRITE_6, OUT).reservation(ReservationClass.WRITE).writesMedium()
                    .timeout(MEDIUM).build(),
            device("MODE SELECT(6)", Opcodes.MODE_SELECT_6, OUT).runs(Cdb.PassThrough.class, PassThroughOp::modeSelect)
                    .reservation(ReservationClass.WRITE).sharedState().alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            device("MODE SENSE(6)", Opcodes.MODE_SENSE_6, IN).reservation(ReservationClass.WRITE)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            device("READ CAPACITY(10)", Opcodes.READ_CAPACITY_10, IN).reservation(ReservationClass.ALLOWED)
                    .timeout(CONTROL).build(),
            device("READ(10)", Opcodes.READ_10, IN).reservation(ReservationClass.READ).timeout(MEDIUM).build(),
            device("WRITE(10)", Opcodes.WRITE_10, OUT).reservation(ReservationClass.WRITE).writesMedium()
                    .timeout(MEDIUM).build(),
            device("LOG SELECT", LOG_SELECT, OUT).runs(Cdb.PassThrough.class, PassThroughOp::logSelect)
                    .reservation(ReservationClass.WRITE).sharedState().alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            device("LOG SENSE", Opcodes.LOG_SENSE, IN).underSpc2Reservation().reservation(ReservationClass.ALLOWED)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            device("MODE SELECT(10)", Opcodes.MODE_SELECT_10, OUT).runs(Cdb.PassThrough.class, PassThroughOp::modeSelect)
                    .reservation(ReservationClass.WRITE).sharedState().alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            device("MODE SENSE(10)", Opcodes.MODE_SENSE_10, IN).reservation(ReservationClass.WRITE)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            device("READ(16)", Opcodes.READ_16, IN).reservation(ReservationClass.READ).timeout(MEDIUM).build(),
            device("WRITE(16)", Opcodes.WRITE_16, OUT).reservation(ReservationClass.WRITE).writesMedium()
                    .timeout(MEDIUM).build(),
            device("READ(12)", Opcodes.READ_12, IN).reservation(ReservationClass.READ).timeout(MEDIUM).build(),
            device("WRITE(12)", Opcodes.WRITE_12, OUT).reservation(ReservationClass.WRITE).writesMedium()
                    .timeout(MEDIUM).build());

    /** Every command no row names: to the device, as a medium-access command. */
    static final CommandRow FALLBACK = row("PASS-THROUGH", -1, NONE).usage(0xFF).parser(PassThroughCommands::raw)
            .runs(Cdb.PassThrough.class, PassThroughOp::execute).reservation(ReservationClass.WRITE)
            .timeout(MEDIUM).build();

    /**
     * Each type's commands that change the medium (or, for a changer, where the cartridges are),
     * besides the WRITE rows every type has: they get DATA PROTECT through a read-only mapping or on
     * a write-protected LU, like an emulated device's writes (SBC-4 4.11, SSC-3 4.2.?, MMC-6, SMC-3),
     * and the WRITE reservation class. By opcode, for the type that gives it that meaning: disks,
     * optical memory (07h) and RAID controllers (0Ch) share SBC's; 10h is WRITE FILEMARKS only on a tape.
     */
    static List<CommandRow> writes(int type) {
        List<CommandRow> rows = new ArrayList<>();
        switch (type) {
            case 0x00, 0x07, 0x0C -> {
                write(rows, "FORMAT UNIT", 0x04, OUT);
                write(rows, "WRITE AND VERIFY(10)", 0x2E, OUT);
                write(rows, "WRITE LONG(10)", 0x3F, OUT);
                write(rows, "WRITE SAME(10)", 0x41, OUT);
                write(rows, "UNMAP", 0x42, OUT);
                write(rows, "SANITIZE", 0x48, NONE);
                write(rows, "WRITE AND VERIFY(16)", 0x8E, OUT);
                write(rows, "COMPARE AND WRITE", 0x89, OUT);
                write(rows, "ORWRITE(16)", 0x8B, OUT);
                write(rows, "WRITE SAME(16)", 0x93, OUT);
                write(rows, "WRITE ATOMIC(16)", 0x9C, OUT);
                write(rows, "WRITE AND VERIFY(12)", 0xAE, OUT);
            }
            case 0x01 -> {
                write(rows, "FORMAT MEDIUM", 0x04, NONE);
                write(rows, "SET CAPACITY", 0x0B, NONE);
                write(rows, "WRITE FILEMARKS(6)", 0x10, NONE);
                write(rows, "ERASE(6)", 0x19, NONE);
                write(rows, "WRITE FILEMARKS(16)", 0x80, NONE);
                write(rows, "ERASE(16)", 0x93, NONE);
            }
            case 0x05 -> {
                write(rows, "FORMAT UNIT", 0x04, OUT);
                write(rows, "WRITE AND VERIFY(10)", 0x2E, OUT);
                write(rows, "RESERVE TRACK", 0x53, NONE);
                write(rows, "SEND OPC INFORMATION", 0x54, OUT);
                write(rows, "REPAIR TRACK", 0x58, NONE);
                write(rows, "CLOSE TRACK/SESSION", 0x5B, NONE);
                write(rows, "SEND CUE SHEET", 0x5D, OUT);
                write(rows, "BLANK", 0xA1, NONE);
            }
            case 0x08 -> {
                write(rows, "MOVE MEDIUM", 0xA5, NONE);
                write(rows, "EXCHANGE MEDIUM", 0xA6, NONE);
            }
            default -> {
            }
        }
        return rows;
    }

    private static void write(List<CommandRow> rows, String name, int opcode, DataDirection direction) {
        rows.add(device(name, opcode, direction).reservation(ReservationClass.WRITE).writesMedium().timeout(MEDIUM).build());
    }

    private static final Map<Integer, CommandSet> SETS = new ConcurrentHashMap<>();

    /** The pass-through set of a peripheral device type (SPC-5 6.7.2): the same rows, named for the type. */
    public static CommandSet forType(int peripheralDeviceType) {
        return forType(peripheralDeviceType, true);
    }

    /**
     * The pass-through set of a peripheral device type; INQUIRY the device's ({@code deviceInquiry},
     * a real device) or the core's ({@link org.scstj.engine.spi.ScsiPassThrough#answersInquiry}).
     */
    public static CommandSet forType(int peripheralDeviceType, boolean deviceInquiry) {
        int key = (peripheralDeviceType & 0x1F) | (deviceInquiry ? 0 : 0x100);
        return SETS.computeIfAbsent(key, k -> {
            int type = k & 0x1F;
            List<CommandRow> rows = new ArrayList<>(coreRows(deviceInquiry));
            rows.addAll(DEVICE_ROWS);
            rows.addAll(writes(type));
            return CommandSet.withFallback(String.format("pass-through device, peripheral device type %02Xh%s", type,
                    deviceInquiry ? "" : ", INQUIRY the core's"), rows, List.of(), FALLBACK);
        });
    }

    private static final Map<String, CommandSet> WITH_OTHERS = new ConcurrentHashMap<>();

    /**
     * An emulated type's set whose commands without a row go to the device
     * ({@link org.scstj.engine.spi.BlockDevice#otherCommands}) through the {@linkplain #FALLBACK
     * fallback row}: a medium-access command, in conflict with another nexus's reservation of any
     * kind and allowed only in the active ALUA states, checked by the device.
     */
    public static CommandSet othersToDevice(CommandSet own) {
        return WITH_OTHERS.computeIfAbsent(own.name(), n -> CommandSet.withFallback(n + ", other commands to the device",
                own.rows().stream().map(r -> r.name().equals("INQUIRY") ? r.withExecutor((cdb, ctx) ->
                        PassThroughInquiry.coreOrDevicePage((Cdb.Inquiry) cdb, ctx)) : r).toList(),
                own.vpdPages(), FALLBACK));
    }

    /**
     * A row of a command the device executes: the CDB's length by its group code (SPC-5 4.2.5.1),
     * every bit allowed but the CONTROL byte's NACA and LINK, decoded to its bytes.
     */
    private static CommandRow.Builder device(String name, int opcode, DataDirection direction) {
        int[] usage = new int[CommandSet.cdbLength(new byte[] {(byte) opcode})];
        Arrays.fill(usage, 0xFF);
        usage[usage.length - 1] = 0x00;
        return row(name, opcode, direction).usage(usage).parser(PassThroughCommands::raw)
                .runs(Cdb.PassThrough.class, PassThroughOp::execute);
    }

    /** The CDB as the device gets it: its own length, from the transport's (possibly padded) bytes. */
    static Decoded raw(byte[] cdb) {
        return new Decoded.Ok(new Cdb.PassThrough(cdb[0] & 0xFF, Arrays.copyOf(cdb, CommandSet.cdbLength(cdb))));
    }
}
