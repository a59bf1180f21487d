package org.scstj.engine.commands;

import static org.scstj.engine.cdb.DataDirection.IN;
import static org.scstj.engine.cdb.DataDirection.NONE;
import static org.scstj.engine.cdb.DataDirection.OUT;
import static org.scstj.engine.exec.CommandRow.Timeout.CONTROL;
import static org.scstj.engine.exec.CommandRow.Timeout.MEDIUM;
import static org.scstj.engine.exec.CommandRow.Timeout.WHOLE_MEDIUM_PASS;
import static org.scstj.engine.exec.CommandRow.row;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CdbDecoder;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.pr.ReservationClass;
import org.scstj.engine.ssc.DriveInfo;
import org.scstj.engine.ssc.Positioning;
import org.scstj.engine.ssc.TapeReadOp;
import org.scstj.engine.ssc.TapeWriteOp;

import java.util.List;
import java.util.Set;

/**
 * The commands of a sequential-access device (peripheral device type 01h), a tape drive: SSC-3's
 * own rows, PREVENT ALLOW MEDIUM REMOVAL (SBC-4's row: the same CDB), and SPC-5's without the
 * third-party copy (LOG SENSE has the tape's pages: spc.LogSense). Reservation classes: reads and READ
 * POSITION read (SPC-5 5.14.3: allowed under Write Exclusive), everything that writes or moves the
 * medium writes (a REWIND or LOCATE changes what every nexus reads next).
 */
public final class SscCommands {
    private SscCommands() {
    }

    private static final Set<String> FROM_SBC = Set.of("PREVENT ALLOW MEDIUM REMOVAL");
    private static final Set<String> NOT_FROM_SPC = Set.of("EXTENDED COPY(LID1)");

    public static final List<CommandRow> OWN = List.of(
            row("REWIND", Opcodes.REWIND, NONE)
                    .usage(0xFF, 0x01, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::rewind)
                    .runs(Cdb.Rewind.class, Positioning::rewind)
                    .reservation(ReservationClass.WRITE).needsMedium().timeout(MEDIUM).build(),
            row("READ BLOCK LIMITS", Opcodes.READ_BLOCK_LIMITS, IN)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::readBlockLimits)
                    .answers(Cdb.ReadBlockLimits.class, DriveInfo::readBlockLimits)
                    .reservation(ReservationClass.ALLOWED).timeout(CONTROL).build(),
            row("READ(6)", Opcodes.READ_6, IN)
                    .usage(0xFF, 0x03, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::tapeRead)
                    .runs(Cdb.TapeRead.class, TapeReadOp::execute)
                    .reservation(ReservationClass.READ).needsMedium().timeout(MEDIUM).build(),
            row("WRITE(6)", Opcodes.WRITE_6, OUT)
                    .usage(0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::tapeWrite)
                    .runs(Cdb.TapeWrite.class, TapeWriteOp::write)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium().timeout(MEDIUM).build(),
            row("WRITE FILEMARKS(6)", Opcodes.WRITE_FILEMARKS_6, NONE)
                    .usage(0xFF, 0x03, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::writeFilemarks)
                    .runs(Cdb.WriteFilemarks.class, TapeWriteOp::writeFilemarks)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium().timeout(MEDIUM).build(),
            row("SPACE(6)", Opcodes.SPACE_6, NONE)
                    .usage(0xFF, 0x0F, 0xFF, 0xFF, 0xFF, 0x00).parser(CdbDecoder::space6)
                    .runs(Cdb.Space.class, Positioning::space)
                    .reservation(ReservationClass.WRITE).needsMedium().timeout(MEDIUM).build(),
            row("ERASE(6)", Opcodes.ERASE_6, NONE)
                    .usage(0xFF, 0x03, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::erase)
                    .runs(Cdb.Erase.class, Positioning::erase)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium().timeout(WHOLE_MEDIUM_PASS).build(),
            row("LOAD UNLOAD", Opcodes.LOAD_UNLOAD, NONE)
                    .usage(0xFF, 0x01, 0x00, 0x00, 0x0F, 0x00).parser(CdbDecoder::loadUnload)
                    .runs(Cdb.LoadUnload.class, Positioning::loadUnload)
                    .reservation(ReservationClass.WRITE).sharedState().timeout(MEDIUM).build(),
            row("LOCATE(10)", Opcodes.LOCATE_10, NONE)
                    .usage(0xFF, 0x07, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0xFF, 0x00).parser(CdbDecoder::locate10)
                    .runs(Cdb.Locate.class, Positioning::locate)
                    .reservation(ReservationClass.WRITE).needsMedium().timeout(MEDIUM).build(),
            row("READ POSITION", Opcodes.READ_POSITION, IN)
                    .usage(0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00).parser(CdbDecoder::readPosition)
                    .runs(Cdb.ReadPosition.class, Positioning::readPosition)
                    .reservation(ReservationClass.READ).needsMedium().timeout(CONTROL).build(),
            row("REPORT DENSITY SUPPORT", Opcodes.REPORT_DENSITY_SUPPORT, IN)
                    .usage(0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::reportDensitySupport)
                    .answers(Cdb.ReportDensitySupport.class, DriveInfo::reportDensitySupport)
                    .reservation(ReservationClass.ALLOWED).timeout(CONTROL).build(),
            row("READ ATTRIBUTE", Opcodes.READ_ATTRIBUTE, IN)
                    .usage(0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::readAttribute).answers(Cdb.ReadAttribute.class, DriveInfo::readAttribute)
                    .reservation(ReservationClass.READ).needsMedium().timeout(CONTROL).build(),
            row("SPACE(16)", Opcodes.SPACE_16, NONE)
                    .usage(0xFF, 0x0F, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::space16).runs(Cdb.Space.class, Positioning::space)
                    .reservation(ReservationClass.WRITE).needsMedium().timeout(MEDIUM).build(),
            row("LOCATE(16)", Opcodes.LOCATE_16, NONE)
                    .usage(0xFF, 0x3B, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00)
                    .parser(CdbDecoder::locate16).runs(Cdb.Locate.class, Positioning::locate)
                    .reservation(ReservationClass.WRITE).needsMedium().timeout(MEDIUM).build());

    /** Every row of the set: SPC-5's, PREVENT ALLOW MEDIUM REMOVAL, SSC-3's own. */
    public static List<CommandRow> rows() {
        return CommandSets.compose(NOT_FROM_SPC, FROM_SBC, OWN);
    }
}
