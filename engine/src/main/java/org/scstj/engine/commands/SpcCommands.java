package org.scstj.engine.commands;

import static org.scstj.engine.cdb.DataDirection.IN;
import static org.scstj.engine.cdb.DataDirection.NONE;
import static org.scstj.engine.cdb.DataDirection.OUT;
import static org.scstj.engine.exec.CommandRow.ACTIVE;
import static org.scstj.engine.exec.CommandRow.ACTIVE_OR_STANDBY;
import static org.scstj.engine.exec.CommandRow.ANY;
import static org.scstj.engine.exec.CommandRow.NOT_TRANSITIONING;
import static org.scstj.engine.exec.CommandRow.Timeout.CONTROL;
import static org.scstj.engine.exec.CommandRow.Timeout.MEDIUM;
import static org.scstj.engine.exec.CommandRow.WholeMedium.AFTER_FAILURE;
import static org.scstj.engine.exec.CommandRow.WholeMedium.PROCESSED;
import static org.scstj.engine.exec.CommandRow.row;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CdbDecoder;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.pr.ReservationClass;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spc.Buffers;
import org.scstj.engine.spc.InquiryData;
import org.scstj.engine.spc.LogSense;
import org.scstj.engine.spc.ModeSelect;
import org.scstj.engine.spc.ModeSense;
import org.scstj.engine.spc.PersistentReserveIn;
import org.scstj.engine.spc.PersistentReserveOut;
import org.scstj.engine.spc.ReportLuns;
import org.scstj.engine.spc.ReportSupportedOperationCodes;
import org.scstj.engine.spc.ReportSupportedTaskManagementFunctions;
import org.scstj.engine.spc.ReportTargetPortGroups;
import org.scstj.engine.spc.SetTargetPortGroups;
import org.scstj.engine.spc.RequestSense;
import org.scstj.engine.spc.ReserveRelease;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.xcopy.ExtendedCopy;
import org.scstj.engine.xcopy.ReceiveCopyResults;

import java.util.List;

/**
 * SPC-5's commands, common to every peripheral device type (with SPC-2 RESERVE / RELEASE and
 * SPC-4's EXTENDED COPY (LID1)): one {@link CommandRow} each. The reservation classes are SPC-5
 * 5.14.3's table; the access states SPC-5 5.16.2.
 */
public final class SpcCommands {
    private SpcCommands() {
    }

    public static final List<CommandRow> ROWS = List.of(
            row("TEST UNIT READY", Opcodes.TEST_UNIT_READY, NONE)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::testUnitReady)
                    .answers(Cdb.TestUnitReady.class, (cdb, ctx) -> ScsiResponse.good(null, 0))
                    .reservation(ReservationClass.ALLOWED).needsMedium().timeout(CONTROL).build(),
            row("REQUEST SENSE", Opcodes.REQUEST_SENSE, IN)
                    .usage(0xFF, 0x01, 0x00, 0x00, 0xFF, 0x00).parser(CdbDecoder::requestSense)
                    // SPC-5 6.39: with a pending unit attention the LUN actor answers it, before the exec stage
                    .answers(Cdb.RequestSense.class,
                            (cdb, ctx) -> RequestSense.noSense(cdb, ctx.task().expectedDataTransferLength()))
                    .unmapped((cdb, luns, edtl) -> RequestSense.respond((Cdb.RequestSense) cdb,
                            SenseReason.LOGICAL_UNIT_NOT_SUPPORTED, edtl))
                    .uaExempt().reportsCondition(RequestSense::report).underSpc2Reservation()
                    .reservation(ReservationClass.ALLOWED).alua(ANY).timeout(CONTROL).build(),
            row("INQUIRY", Opcodes.INQUIRY, IN)
                    .usage(0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::inquiry)
                    .answers(Cdb.Inquiry.class, InquiryData::execute)
                    .unmapped((cdb, luns, edtl) -> InquiryData.unmappedLun((Cdb.Inquiry) cdb, edtl))
                    .uaExempt().underSpc2Reservation().reservation(ReservationClass.ALLOWED)
                    .duringWholeMedium(PROCESSED).alua(ANY).timeout(CONTROL).build(),
            row("MODE SELECT(6)", Opcodes.MODE_SELECT_6, OUT)
                    .usage(0xFF, 0x11, 0x00, 0x00, 0xFF, 0x00).parser(CdbDecoder::modeSelect6)
                    .runs(Cdb.ModeSelect.class, ModeSelect::execute)
                    .reservation(ReservationClass.WRITE).sharedState().duringWholeMedium(AFTER_FAILURE)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            row("RESERVE(6)", Opcodes.RESERVE_6, NONE)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::reserve)
                    .runs(Cdb.Reserve.class, ReserveRelease::reserve)
                    .reservation(ReservationClass.SPC2_RESERVATION).sharedState().timeout(MEDIUM).build(),
            row("RELEASE(6)", Opcodes.RELEASE_6, NONE)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::release)
                    .runs(Cdb.Release.class, ReserveRelease::release)
                    .underSpc2Reservation().reservation(ReservationClass.SPC2_RESERVATION).timeout(MEDIUM).build(),
            row("MODE SENSE(6)", Opcodes.MODE_SENSE_6, IN)
                    .usage(0xFF, 0x08, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::modeSense6)
                    .answers(Cdb.ModeSense.class, ModeSense::execute)
                    .reservation(ReservationClass.WRITE).duringWholeMedium(AFTER_FAILURE)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            row("WRITE BUFFER", Opcodes.WRITE_BUFFER, OUT)
                    .usage(0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::writeBuffer)
                    .runs(Cdb.WriteBuffer.class, Buffers::write)
                    // SPC-5 5.16.2.4.4 to 5.16.2.4.6: only the echo buffer (MODE 0Ah) in every state
                    .reservation(ReservationClass.WRITE)
                    .alua(cdb -> cdb instanceof Cdb.WriteBuffer w && w.mode() == Opcodes.BUFFER_MODE_ECHO ? ANY : ACTIVE)
                    .timeout(CONTROL).build(),
            row("READ BUFFER(10)", Opcodes.READ_BUFFER_10, IN)
                    .usage(0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::readBuffer)
                    .answers(Cdb.ReadBuffer.class, Buffers::read)
                    // SPC-5 5.16.2.4.4 to 5.16.2.4.6: only the echo buffer and its descriptor (MODE 0Ah, 0Bh)
                    .reservation(ReservationClass.READ)
                    .alua(cdb -> cdb instanceof Cdb.ReadBuffer r
                            && (r.mode() == Opcodes.BUFFER_MODE_ECHO || r.mode() == Opcodes.BUFFER_MODE_ECHO_DESCRIPTOR) ? ANY : ACTIVE)
                    .timeout(CONTROL).build(),
            row("LOG SENSE", Opcodes.LOG_SENSE, IN)
                    .usage(0xFF, 0x00, 0xFF, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::logSense)
                    .answers(Cdb.LogSense.class, LogSense::execute)
                    .underSpc2Reservation().reservation(ReservationClass.ALLOWED).duringWholeMedium(AFTER_FAILURE)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            row("MODE SELECT(10)", Opcodes.MODE_SELECT_10, OUT)
                    .usage(0xFF, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00).parser(CdbDecoder::modeSelect10)
                    .runs(Cdb.ModeSelect.class, ModeSelect::execute)
                    .reservation(ReservationClass.WRITE).sharedState().duringWholeMedium(AFTER_FAILURE)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            row("RESERVE(10)", Opcodes.RESERVE_10, NONE)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::reserve)
                    .runs(Cdb.Reserve.class, ReserveRelease::reserve)
                    .reservation(ReservationClass.SPC2_RESERVATION).sharedState().timeout(MEDIUM).build(),
            row("RELEASE(10)", Opcodes.RELEASE_10, NONE)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::release)
                    .runs(Cdb.Release.class, ReserveRelease::release)
                    .underSpc2Reservation().reservation(ReservationClass.SPC2_RESERVATION).timeout(MEDIUM).build(),
            row("MODE SENSE(10)", Opcodes.MODE_SENSE_10, IN)
                    .usage(0xFF, 0x18, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00).parser(CdbDecoder::modeSense10)
                    .answers(Cdb.ModeSense.class, ModeSense::execute)
                    .reservation(ReservationClass.WRITE).duringWholeMedium(AFTER_FAILURE)
                    .alua(ACTIVE_OR_STANDBY).timeout(CONTROL).build(),
            persistentReserveIn("READ KEYS", Opcodes.SA_PRIN_READ_KEYS),
            persistentReserveIn("READ RESERVATION", Opcodes.SA_PRIN_READ_RESERVATION),
            persistentReserveIn("REPORT CAPABILITIES", Opcodes.SA_PRIN_REPORT_CAPABILITIES),
            persistentReserveIn("READ FULL STATUS", Opcodes.SA_PRIN_READ_FULL_STATUS),
            // SPC-5 6.17: the service action checks the reservation key, so PR OUT is never a conflict;
            // through a read-only mapping only registering (and releasing) is allowed
            persistentReserveOut("REGISTER", Opcodes.SA_PROUT_REGISTER, false),
            persistentReserveOut("RESERVE", Opcodes.SA_PROUT_RESERVE, true),
            persistentReserveOut("RELEASE", Opcodes.SA_PROUT_RELEASE, false),
            persistentReserveOut("CLEAR", Opcodes.SA_PROUT_CLEAR, true),
            persistentReserveOut("PREEMPT", Opcodes.SA_PROUT_PREEMPT, true),
            persistentReserveOut("PREEMPT AND ABORT", Opcodes.SA_PROUT_PREEMPT_AND_ABORT, true),
            persistentReserveOut("REGISTER AND IGNORE EXISTING KEY", Opcodes.SA_PROUT_REGISTER_AND_IGNORE_EXISTING_KEY,
                    false),
            persistentReserveOut("REGISTER AND MOVE", Opcodes.SA_PROUT_REGISTER_AND_MOVE, true),
            row("EXTENDED COPY(LID1)", Opcodes.EXTENDED_COPY, Opcodes.SA_EXTENDED_COPY_LID1, OUT)
                    .usage(0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
                            0x00)
                    .parser(CdbDecoder::extendedCopy).runs(Cdb.ExtendedCopy.class, ExtendedCopy::execute)
                    .reservation(ReservationClass.WRITE).needsMedium().timeout(MEDIUM).build(),
            receiveCopyResults("COPY STATUS", Opcodes.SA_COPY_STATUS),
            receiveCopyResults("OPERATING PARAMETERS", Opcodes.SA_OPERATING_PARAMETERS),
            receiveCopyResults("FAILED SEGMENT DETAILS", Opcodes.SA_FAILED_SEGMENT_DETAILS),
            row("REPORT LUNS", Opcodes.REPORT_LUNS, IN)
                    .usage(0xFF, 0x00, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::reportLuns)
                    // never reaches a LU (the session answers); if it did, it would report that LU alone
                    .answers(Cdb.ReportLuns.class, (cdb, ctx) -> ReportLuns.respond(cdb, new int[] {ctx.lu().lun()},
                            ctx.task().expectedDataTransferLength()))
                    .bySession((cdb, luns, edtl) -> ReportLuns.respond((Cdb.ReportLuns) cdb, luns, edtl))
                    .uaExempt().underSpc2Reservation().reservation(ReservationClass.ALLOWED)
                    .duringWholeMedium(PROCESSED).alua(ANY).timeout(CONTROL).build(),
            row("REPORT SUPPORTED OPERATION CODES", Opcodes.MAINTENANCE_IN, Opcodes.SA_REPORT_SUPPORTED_OPERATION_CODES,
                    IN)
                    .usage(0xFF, 0x1F, 0x83, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::reportSupportedOperationCodes)
                    .answers(Cdb.ReportSupportedOperationCodes.class, ReportSupportedOperationCodes::execute)
                    .underSpc2Reservation().reservation(ReservationClass.ALLOWED).duringWholeMedium(AFTER_FAILURE)
                    .alua(ANY).timeout(CONTROL).build(),
            // SPC-5 6.37: in every access state (SPC-5 5.16.2.4.4 to 5.16.2.4.6), under any persistent reservation
            // (5.14.3); not in SPC-2 5.5.1's list of commands another nexus's RESERVE allows
            row("REPORT TARGET PORT GROUPS", Opcodes.MAINTENANCE_IN, Opcodes.SA_REPORT_TARGET_PORT_GROUPS, IN)
                    .usage(0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::reportTargetPortGroups)
                    .answers(Cdb.ReportTargetPortGroups.class, ReportTargetPortGroups::execute)
                    .reservation(ReservationClass.ALLOWED).duringWholeMedium(PROCESSED)
                    .alua(ANY).timeout(CONTROL).build(),
            // SPC-5 6.47: in every state but transitioning (5.16.2.4.6); a conflict under a write-exclusive
            // reservation held by another (5.14.3); changes what every nexus shares
            row("SET TARGET PORT GROUPS", Opcodes.MAINTENANCE_OUT, Opcodes.SA_SET_TARGET_PORT_GROUPS, OUT)
                    .usage(0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::setTargetPortGroups)
                    .runs(Cdb.SetTargetPortGroups.class, SetTargetPortGroups::execute)
                    .reservation(ReservationClass.WRITE).sharedState().duringWholeMedium(AFTER_FAILURE)
                    .alua(NOT_TRANSITIONING).timeout(CONTROL).build(),
            row("REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS", Opcodes.MAINTENANCE_IN,
                    Opcodes.SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS, IN)
                    .usage(0xFF, 0x1F, 0x80, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::reportSupportedTaskManagementFunctions)
                    .answers(Cdb.ReportSupportedTaskManagementFunctions.class,
                            ReportSupportedTaskManagementFunctions::execute)
                    .underSpc2Reservation().reservation(ReservationClass.ALLOWED).duringWholeMedium(AFTER_FAILURE)
                    .alua(ANY).timeout(CONTROL).build());

    private static CommandRow persistentReserveIn(String serviceAction, int code) {
        return row("PERSISTENT RESERVE IN (" + serviceAction + ")", Opcodes.PERSISTENT_RESERVE_IN, code, IN)
                .usage(0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00).parser(CdbDecoder::persistentReserveIn)
                .answers(Cdb.PersistentReserveIn.class, PersistentReserveIn::execute)
                .reservation(ReservationClass.ALLOWED).alua(ACTIVE_OR_STANDBY).timeout(MEDIUM).build();
    }

    private static CommandRow persistentReserveOut(String serviceAction, int code, boolean deniesOthers) {
        CommandRow.Builder b = row("PERSISTENT RESERVE OUT (" + serviceAction + ")", Opcodes.PERSISTENT_RESERVE_OUT,
                code, OUT)
                .usage(0xFF, 0x1F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::persistentReserveOut)
                .runs(Cdb.PersistentReserveOut.class, PersistentReserveOut::execute)
                .reservation(ReservationClass.ALLOWED).alua(ACTIVE_OR_STANDBY).timeout(MEDIUM);
        return (deniesOthers ? b.sharedState() : b).build();
    }

    private static CommandRow receiveCopyResults(String serviceAction, int code) {
        return row("RECEIVE COPY RESULTS (" + serviceAction + ")", Opcodes.RECEIVE_COPY_RESULTS, code, IN)
                .usage(0xFF, 0x1F, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                .parser(CdbDecoder::receiveCopyResults).answers(Cdb.ReceiveCopyResults.class, ReceiveCopyResults::execute)
                .reservation(ReservationClass.WRITE).timeout(MEDIUM).build();
    }
}
