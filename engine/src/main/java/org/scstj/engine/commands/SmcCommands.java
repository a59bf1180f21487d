package org.scstj.engine.commands;

import static org.scstj.engine.cdb.DataDirection.IN;
import static org.scstj.engine.cdb.DataDirection.NONE;
import static org.scstj.engine.exec.CommandRow.Timeout.CONTROL;
import static org.scstj.engine.exec.CommandRow.Timeout.MEDIUM;
import static org.scstj.engine.exec.CommandRow.row;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CdbDecoder;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.pr.ReservationClass;
import org.scstj.engine.smc.ElementStatus;
import org.scstj.engine.smc.Moves;

import java.util.List;
import java.util.Set;

/**
 * The commands of a medium changer (peripheral device type 08h): SMC-3's own rows, PREVENT ALLOW
 * MEDIUM REMOVAL (SBC-4's row: the same CDB; SMC-3 has it lock the import/export elements), and
 * SPC-5's without the third-party copy and LOG SENSE. Moving cartridges changes what every nexus
 * sees: those rows are the write class under reservations (SPC-5 5.14.3); reading the inventory is
 * the read class.
 */
public final class SmcCommands {
    private SmcCommands() {
    }

    private static final Set<String> FROM_SBC = Set.of("PREVENT ALLOW MEDIUM REMOVAL");
    private static final Set<String> NOT_FROM_SPC = Set.of("EXTENDED COPY(LID1)", "LOG SENSE");

    public static final List<CommandRow> OWN = List.of(
            row("INITIALIZE ELEMENT STATUS", Opcodes.INITIALIZE_ELEMENT_STATUS, NONE)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::initializeElementStatus)
                    .answers(Cdb.InitializeElementStatus.class, Moves::initialize)
                    .reservation(ReservationClass.WRITE).timeout(MEDIUM).build(),
            row("OPEN/CLOSE IMPORT/EXPORT ELEMENT", Opcodes.OPEN_CLOSE_IMPORT_EXPORT_ELEMENT, NONE)
                    .usage(0xFF, 0x00, 0xFF, 0xFF, 0x1F, 0x00).parser(CdbDecoder::openCloseImportExport)
                    .answers(Cdb.OpenCloseImportExport.class, Moves::openClose)
                    .reservation(ReservationClass.WRITE).timeout(MEDIUM).build(),
            row("POSITION TO ELEMENT", Opcodes.POSITION_TO_ELEMENT, NONE)
                    .usage(0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00).parser(CdbDecoder::positionToElement)
                    .answers(Cdb.PositionToElement.class, Moves::position)
                    .reservation(ReservationClass.WRITE).timeout(MEDIUM).build(),
            row("INITIALIZE ELEMENT STATUS WITH RANGE", Opcodes.INITIALIZE_ELEMENT_STATUS_WITH_RANGE, NONE)
                    .usage(0xFF, 0x03, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::initializeElementStatusWithRange)
                    .answers(Cdb.InitializeElementStatus.class, Moves::initialize)
                    .reservation(ReservationClass.WRITE).timeout(MEDIUM).build(),
            row("MOVE MEDIUM", Opcodes.MOVE_MEDIUM, NONE)
                    .usage(0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00).parser(CdbDecoder::moveMedium)
                    .runs(Cdb.MoveMedium.class, Moves::move)
                    .reservation(ReservationClass.WRITE).timeout(MEDIUM).build(),
            row("EXCHANGE MEDIUM", Opcodes.EXCHANGE_MEDIUM, NONE)
                    .usage(0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0x00)
                    .parser(CdbDecoder::exchangeMedium).runs(Cdb.ExchangeMedium.class, Moves::exchange)
                    .reservation(ReservationClass.WRITE).timeout(MEDIUM).build(),
            row("READ ELEMENT STATUS", Opcodes.READ_ELEMENT_STATUS, IN)
                    .usage(0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::readElementStatus).answers(Cdb.ReadElementStatus.class, ElementStatus::execute)
                    .reservation(ReservationClass.READ).timeout(CONTROL).build());

    /** Every row of the set: SPC-5's, PREVENT ALLOW MEDIUM REMOVAL, SMC-3's own. */
    public static List<CommandRow> rows() {
        return CommandSets.compose(NOT_FROM_SPC, FROM_SBC, OWN);
    }
}
