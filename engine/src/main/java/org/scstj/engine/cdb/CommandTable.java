package org.scstj.engine.cdb;

import static org.scstj.engine.cdb.DataDirection.IN;
import static org.scstj.engine.cdb.DataDirection.NONE;
import static org.scstj.engine.cdb.DataDirection.OUT;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One row per operation code / service action scstj implements, in the spirit of CTL's
 * {@code ctl_cmd_table.c}: a new command is one new row plus its decoder and executor.
 *
 * <p>The usage-data mask is the CDB USAGE DATA of REPORT SUPPORTED OPERATION CODES (SPC-5 6.35.3):
 * byte 0 is the opcode (FFh), each other byte has a 1 for every bit the device server looks at.
 * {@link CdbDecoder} rejects a CDB with any other bit set, except in the CONTROL byte (last byte),
 * whose mask lists the bits scstj supports (none: NACA and LINK are rejected, SAM-5 5.4).
 */
public final class CommandTable {

    /**
     * @param name                    the standard's name of the command
     * @param opcode                  OPERATION CODE
     * @param serviceAction           SERVICE ACTION or -1
     * @param cdbLength               CDB length in bytes
     * @param direction               data direction
     * @param usage                   the decoder's mask, {@code cdbLength} bytes: FFh for the opcode, 1Fh for a
     *                                SERVICE ACTION field, 1 for every other bit looked at (do not modify)
     * @param allowedOnUnmappedLun    answered for a LUN the initiator cannot see (SPC-5 6.7.2, 6.33, 6.39)
     * @param uaExempt                neither reports nor clears a pending unit attention (SAM-5 5.14)
     * @param allowedUnderReservation never RESERVATION CONFLICT under another nexus's SPC-2 reservation (SPC-2 5.5.1)
     * @param writesMedium            DATA PROTECT 27/00 when write-protected (SBC-4 4.11)
     * @param wholeMedium             starts an operation on the whole medium (FORMAT UNIT, SANITIZE): the
     *                                task set runs it alone; the LU is NOT READY while it lasts
     *                                ({@link org.scstj.engine.lu.WholeMediumState})
     * @param exclusive               its blocks must not change, nor be read, by another command
     *                                while it runs (COMPARE AND WRITE, ORWRITE, WRITE ATOMIC: SBC-4 5.3,
     *                                5.12, 4.29): the LUN's task set runs it alone on its blocks
     * @param needsMedium             accesses the medium: NOT READY, MEDIUM NOT PRESENT 3A/00 while a
     *                                removable medium is ejected (SBC-4 5.25, SPC-5 6.47)
     * @param sharedState             changes state every nexus of the LU shares and can be denied access
     *                                by (mode parameters, reservations, the removable medium): DATA
     *                                PROTECT 27/00 through a read-only LUN mapping, as a medium write is
     *                                (a command's {@link Cdb#changesSharedState} may narrow it by its fields)
     */
    public record Row(String name, int opcode, int serviceAction, int cdbLength, DataDirection direction,
                      byte[] usage, boolean allowedOnUnmappedLun, boolean uaExempt,
                      boolean allowedUnderReservation, boolean writesMedium, boolean wholeMedium,
                      boolean exclusive, boolean needsMedium, boolean sharedState, Parser parser) {

        /**
         * CDB USAGE DATA as REPORT SUPPORTED OPERATION CODES prints it (SPC-5 6.35.3): the mask,
         * with the operation code in byte 0 and the service action in the SERVICE ACTION field.
         */
        public byte[] usageData() {
            byte[] data = usage.clone();
            data[0] = (byte) opcode;
            if (serviceAction >= 0) {
                data[1] = (byte) (usage[1] & ~0x1F | serviceAction);
            }
            return data;
        }

        @Override
        public String toString() {
            return String.format("%s (%02Xh%s)", name, opcode,
                    serviceAction < 0 ? "" : String.format("/%02Xh", serviceAction));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && r.opcode == opcode && r.serviceAction == serviceAction;
        }

        @Override
        public int hashCode() {
            return opcode * 257 + serviceAction;
        }
    }

    /** Turns a CDB whose reserved bits were already checked into a typed value. */
    @FunctionalInterface
    interface Parser {
        Decoded parse(byte[] cdb);
    }

    private static final int FLAG_UNMAPPED = 1;
    private static final int FLAG_UA_EXEMPT = 2;
    private static final int FLAG_RESERVATION = 4;
    private static final int FLAG_WRITES = 8;
    private static final int FLAG_WHOLE_MEDIUM = 16;
    private static final int FLAG_MEDIUM = 32;
    private static final int FLAG_EXCLUSIVE = 64;
    private static final int FLAG_SHARED = 128;

    private static final List<Row> ROWS = List.of(
            row("TEST UNIT READY", Opcodes.TEST_UNIT_READY, -1, NONE, FLAG_MEDIUM,
                    CdbDecoder::testUnitReady, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00),
            row("REQUEST SENSE", Opcodes.REQUEST_SENSE, -1, IN, FLAG_UNMAPPED | FLAG_UA_EXEMPT | FLAG_RESERVATION,
                    CdbDecoder::requestSense, 0xFF, 0x01, 0x00, 0x00, 0xFF, 0x00),
            row("READ(6)", Opcodes.READ_6, -1, IN, FLAG_MEDIUM,
                    CdbDecoder::read6, 0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0x00),
            row("WRITE(6)", Opcodes.WRITE_6, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::write6, 0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0x00),
            row("INQUIRY", Opcodes.INQUIRY, -1, IN, FLAG_UNMAPPED | FLAG_UA_EXEMPT | FLAG_RESERVATION,
                    CdbDecoder::inquiry, 0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0x00),
            row("MODE SELECT(6)", Opcodes.MODE_SELECT_6, -1, OUT, FLAG_SHARED,
                    CdbDecoder::modeSelect6, 0xFF, 0x11, 0x00, 0x00, 0xFF, 0x00),
            row("MODE SENSE(6)", Opcodes.MODE_SENSE_6, -1, IN, 0,
                    CdbDecoder::modeSense6, 0xFF, 0x08, 0xFF, 0xFF, 0xFF, 0x00),
            row("READ CAPACITY(10)", Opcodes.READ_CAPACITY_10, -1, IN, FLAG_MEDIUM,
                    CdbDecoder::readCapacity10, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00),
            row("READ(10)", Opcodes.READ_10, -1, IN, FLAG_MEDIUM,
                    CdbDecoder::read10, 0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("WRITE(10)", Opcodes.WRITE_10, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::write10, 0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("WRITE AND VERIFY(10)", Opcodes.WRITE_AND_VERIFY_10, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::writeAndVerify10, 0xFF, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("VERIFY(10)", Opcodes.VERIFY_10, -1, OUT, FLAG_MEDIUM,
                    CdbDecoder::verify10, 0xFF, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("PRE-FETCH(10)", Opcodes.PRE_FETCH_10, -1, NONE, FLAG_MEDIUM,
                    CdbDecoder::preFetch10, 0xFF, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("SYNCHRONIZE CACHE(10)", Opcodes.SYNCHRONIZE_CACHE_10, -1, NONE, FLAG_MEDIUM,
                    CdbDecoder::synchronizeCache10, 0xFF, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("READ DEFECT DATA(10)", Opcodes.READ_DEFECT_DATA_10, -1, IN, FLAG_MEDIUM,
                    CdbDecoder::readDefectData10, 0xFF, 0x00, 0x1F, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("WRITE SAME(10)", Opcodes.WRITE_SAME_10, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::writeSame10, 0xFF, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("UNMAP", Opcodes.UNMAP, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::unmap, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F, 0xFF, 0xFF, 0x00),
            row("MODE SELECT(10)", Opcodes.MODE_SELECT_10, -1, OUT, FLAG_SHARED,
                    CdbDecoder::modeSelect10, 0xFF, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("MODE SENSE(10)", Opcodes.MODE_SENSE_10, -1, IN, 0,
                    CdbDecoder::modeSense10, 0xFF, 0x18, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("READ(16)", Opcodes.READ_16, -1, IN, FLAG_MEDIUM,
                    CdbDecoder::read16, 0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("WRITE(16)", Opcodes.WRITE_16, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::write16, 0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("ORWRITE(16)", Opcodes.ORWRITE_16, -1, OUT, FLAG_WRITES | FLAG_EXCLUSIVE | FLAG_MEDIUM,
                    CdbDecoder::orWrite16, 0xFF, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("WRITE AND VERIFY(16)", Opcodes.WRITE_AND_VERIFY_16, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::writeAndVerify16, 0xFF, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("VERIFY(16)", Opcodes.VERIFY_16, -1, OUT, FLAG_MEDIUM,
                    CdbDecoder::verify16, 0xFF, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("PRE-FETCH(16)", Opcodes.PRE_FETCH_16, -1, NONE, FLAG_MEDIUM,
                    CdbDecoder::preFetch16, 0xFF, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("SYNCHRONIZE CACHE(16)", Opcodes.SYNCHRONIZE_CACHE_16, -1, NONE, FLAG_MEDIUM,
                    CdbDecoder::synchronizeCache16, 0xFF, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("WRITE SAME(16)", Opcodes.WRITE_SAME_16, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::writeSame16, 0xFF, 0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("READ CAPACITY(16)", Opcodes.SERVICE_ACTION_IN_16, Opcodes.SA_READ_CAPACITY_16, IN, FLAG_MEDIUM,
                    CdbDecoder::readCapacity16, 0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00),
            row("GET LBA STATUS", Opcodes.SERVICE_ACTION_IN_16, Opcodes.SA_GET_LBA_STATUS, IN, FLAG_MEDIUM,
                    CdbDecoder::getLbaStatus, 0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00),
            row("REPORT LUNS", Opcodes.REPORT_LUNS, -1, IN, FLAG_UNMAPPED | FLAG_UA_EXEMPT | FLAG_RESERVATION,
                    CdbDecoder::reportLuns, 0xFF, 0x00, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00),
            row("REPORT SUPPORTED OPERATION CODES", Opcodes.MAINTENANCE_IN,
                    Opcodes.SA_REPORT_SUPPORTED_OPERATION_CODES, IN, FLAG_RESERVATION,
                    CdbDecoder::reportSupportedOperationCodes, 0xFF, 0x1F, 0x83, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0xFF, 0x00, 0x00),
            row("READ(12)", Opcodes.READ_12, -1, IN, FLAG_MEDIUM,
                    CdbDecoder::read12, 0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("WRITE(12)", Opcodes.WRITE_12, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::write12, 0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("WRITE AND VERIFY(12)", Opcodes.WRITE_AND_VERIFY_12, -1, OUT, FLAG_WRITES | FLAG_MEDIUM,
                    CdbDecoder::writeAndVerify12, 0xFF, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("VERIFY(12)", Opcodes.VERIFY_12, -1, OUT, FLAG_MEDIUM,
                    CdbDecoder::verify12, 0xFF, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("READ DEFECT DATA(12)", Opcodes.READ_DEFECT_DATA_12, -1, IN, FLAG_MEDIUM,
                    CdbDecoder::readDefectData12, 0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00),
            row("START STOP UNIT", Opcodes.START_STOP_UNIT, -1, NONE, FLAG_SHARED,
                    CdbDecoder::startStopUnit, 0xFF, 0x01, 0x00, 0x0F, 0xF7, 0x00),
            row("PREVENT ALLOW MEDIUM REMOVAL", Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL, -1, NONE, 0,
                    CdbDecoder::preventAllowMediumRemoval, 0xFF, 0x00, 0x00, 0x00, 0x03, 0x00),
            row("COMPARE AND WRITE", Opcodes.COMPARE_AND_WRITE, -1, OUT, FLAG_WRITES | FLAG_EXCLUSIVE | FLAG_MEDIUM,
                    CdbDecoder::compareAndWrite, 0xFF, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0x00, 0x00, 0x00, 0xFF, 0x1F, 0x00),
            row("WRITE ATOMIC(16)", Opcodes.WRITE_ATOMIC_16, -1, OUT, FLAG_WRITES | FLAG_EXCLUSIVE | FLAG_MEDIUM,
                    CdbDecoder::writeAtomic16, 0xFF, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                    0x00, 0x00, 0xFF, 0xFF, 0x1F, 0x00),
            row("EXTENDED COPY(LID1)", Opcodes.EXTENDED_COPY, Opcodes.SA_EXTENDED_COPY_LID1, OUT, FLAG_MEDIUM,
                    CdbDecoder::extendedCopy, 0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00),
            row("RECEIVE COPY RESULTS (COPY STATUS)", Opcodes.RECEIVE_COPY_RESULTS, Opcodes.SA_COPY_STATUS, IN, 0,
                    CdbDecoder::receiveCopyResults, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00),
            row("RECEIVE COPY RESULTS (OPERATING PARAMETERS)", Opcodes.RECEIVE_COPY_RESULTS,
                    Opcodes.SA_OPERATING_PARAMETERS, IN, 0,
                    CdbDecoder::receiveCopyResults, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00),
            row("RECEIVE COPY RESULTS (FAILED SEGMENT DETAILS)", Opcodes.RECEIVE_COPY_RESULTS,
                    Opcodes.SA_FAILED_SEGMENT_DETAILS, IN, 0,
                    CdbDecoder::receiveCopyResults, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00),

            row("FORMAT UNIT", Opcodes.FORMAT_UNIT, -1, OUT, FLAG_WRITES | FLAG_WHOLE_MEDIUM | FLAG_MEDIUM,
                    CdbDecoder::formatUnit, 0xFF, 0x3F, 0x00, 0x00, 0x00, 0x00),
            row("SANITIZE OVERWRITE", Opcodes.SANITIZE, Opcodes.SA_SANITIZE_OVERWRITE, OUT,
                    FLAG_WRITES | FLAG_WHOLE_MEDIUM | FLAG_MEDIUM,
                    CdbDecoder::sanitize, 0xFF, 0xBF, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("SANITIZE BLOCK ERASE", Opcodes.SANITIZE, Opcodes.SA_SANITIZE_BLOCK_ERASE, NONE,
                    FLAG_WRITES | FLAG_WHOLE_MEDIUM | FLAG_MEDIUM,
                    CdbDecoder::sanitize, 0xFF, 0xBF, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("SANITIZE CRYPTOGRAPHIC ERASE", Opcodes.SANITIZE, Opcodes.SA_SANITIZE_CRYPTOGRAPHIC_ERASE, NONE,
                    FLAG_WRITES | FLAG_WHOLE_MEDIUM | FLAG_MEDIUM,
                    CdbDecoder::sanitize, 0xFF, 0xBF, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("SANITIZE EXIT FAILURE MODE", Opcodes.SANITIZE, Opcodes.SA_SANITIZE_EXIT_FAILURE_MODE, NONE, 0,
                    CdbDecoder::sanitize, 0xFF, 0xBF, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("LOG SENSE", Opcodes.LOG_SENSE, -1, IN, FLAG_RESERVATION,
                    CdbDecoder::logSense, 0xFF, 0x00, 0xFF, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS", Opcodes.MAINTENANCE_IN,
                    Opcodes.SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS, IN, FLAG_RESERVATION,
                    CdbDecoder::reportSupportedTaskManagementFunctions, 0xFF, 0x1F, 0x80, 0x00, 0x00, 0x00, 0xFF,
                    0xFF, 0xFF, 0xFF, 0x00, 0x00),
            row("RESERVE(6)", Opcodes.RESERVE_6, -1, NONE, FLAG_SHARED,
                    CdbDecoder::reserve, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00),
            row("RELEASE(6)", Opcodes.RELEASE_6, -1, NONE, FLAG_RESERVATION,
                    CdbDecoder::release, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00),
            row("RESERVE(10)", Opcodes.RESERVE_10, -1, NONE, FLAG_SHARED,
                    CdbDecoder::reserve, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
            row("RELEASE(10)", Opcodes.RELEASE_10, -1, NONE, FLAG_RESERVATION,
                    CdbDecoder::release, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
            row("PERSISTENT RESERVE IN (READ KEYS)", Opcodes.PERSISTENT_RESERVE_IN, Opcodes.SA_PRIN_READ_KEYS, IN, 0,
                    CdbDecoder::persistentReserveIn, 0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE IN (READ RESERVATION)", Opcodes.PERSISTENT_RESERVE_IN, Opcodes.SA_PRIN_READ_RESERVATION, IN, 0,
                    CdbDecoder::persistentReserveIn, 0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE IN (REPORT CAPABILITIES)", Opcodes.PERSISTENT_RESERVE_IN, Opcodes.SA_PRIN_REPORT_CAPABILITIES, IN, 0,
                    CdbDecoder::persistentReserveIn, 0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE IN (READ FULL STATUS)", Opcodes.PERSISTENT_RESERVE_IN, Opcodes.SA_PRIN_READ_FULL_STATUS, IN, 0,
                    CdbDecoder::persistentReserveIn, 0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (REGISTER)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_REGISTER, OUT, 0,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (RESERVE)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_RESERVE, OUT, FLAG_SHARED,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (RELEASE)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_RELEASE, OUT, 0,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (CLEAR)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_CLEAR, OUT, FLAG_SHARED,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (PREEMPT)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_PREEMPT, OUT, FLAG_SHARED,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (PREEMPT AND ABORT)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_PREEMPT_AND_ABORT, OUT, FLAG_SHARED,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (REGISTER AND IGNORE EXISTING KEY)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_REGISTER_AND_IGNORE_EXISTING_KEY, OUT, 0,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00),
            row("PERSISTENT RESERVE OUT (REGISTER AND MOVE)", Opcodes.PERSISTENT_RESERVE_OUT, Opcodes.SA_PROUT_REGISTER_AND_MOVE, OUT, FLAG_SHARED,
                    CdbDecoder::persistentReserveOut, 0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00));

    /** Opcodes whose byte 1 bits 4..0 carry a SERVICE ACTION (SPC-5 4.2.2). */
    private static final boolean[] HAS_SERVICE_ACTION = new boolean[256];
    private static final Row[] BY_OPCODE = new Row[256];
    private static final Map<Integer, Row> BY_SERVICE_ACTION = new HashMap<>();

    static {
        for (Row r : ROWS) {
            if (r.serviceAction() < 0) {
                BY_OPCODE[r.opcode()] = r;
            } else {
                HAS_SERVICE_ACTION[r.opcode()] = true;
                BY_SERVICE_ACTION.put(r.opcode() << 8 | r.serviceAction(), r);
            }
        }
    }

    private CommandTable() {
    }

    private static Row row(String name, int opcode, int serviceAction, DataDirection direction, int flags,
                           Parser parser, int... usage) {
        byte[] mask = new byte[usage.length];
        for (int i = 0; i < usage.length; i++) {
            mask[i] = (byte) usage[i];
        }
        return new Row(name, opcode, serviceAction, usage.length, direction, mask,
                (flags & FLAG_UNMAPPED) != 0, (flags & FLAG_UA_EXEMPT) != 0,
                (flags & FLAG_RESERVATION) != 0, (flags & FLAG_WRITES) != 0, (flags & FLAG_WHOLE_MEDIUM) != 0,
                (flags & FLAG_EXCLUSIVE) != 0, (flags & FLAG_MEDIUM) != 0, (flags & FLAG_SHARED) != 0, parser);
    }

    /** Every row, in table order. */
    public static List<Row> rows() {
        return ROWS;
    }

    /** The row of a decoded command. */
    public static Row row(Cdb cdb) {
        Row r = lookup(cdb.opcode(), cdb.serviceAction());
        if (r == null) {
            throw new IllegalStateException("no command table row for " + cdb);
        }
        return r;
    }

    /** The row for an opcode (and service action, -1 for none), or {@code null}. */
    public static Row lookup(int opcode, int serviceAction) {
        if (opcode < 0 || opcode > 255) {
            return null;
        }
        return serviceAction < 0 ? BY_OPCODE[opcode] : BY_SERVICE_ACTION.get(opcode << 8 | serviceAction);
    }

    /** True if the opcode is one scstj decodes with a SERVICE ACTION field. */
    public static boolean hasServiceAction(int opcode) {
        return HAS_SERVICE_ACTION[opcode & 0xFF];
    }
}
