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
import org.scstj.engine.mmc.Disc;
import org.scstj.engine.mmc.Drive;
import org.scstj.engine.mmc.Events;
import org.scstj.engine.mmc.Features;
import org.scstj.engine.pr.ReservationClass;

import java.util.List;
import java.util.Set;

/**
 * The commands of a CD/DVD device (peripheral device type 05h) serving a read-only disc: MMC-6's
 * own rows, the block commands MMC-6 shares with SBC-4 (READ(6/10/12), READ CAPACITY(10), START
 * STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, SYNCHRONIZE CACHE(10), and WRITE(10/12), which the
 * write-protected medium answers DATA PROTECT 27/00), and SPC-5's, without the third-party copy and
 * LOG SENSE a disc drive does not offer. Anything else is INVALID COMMAND OPERATION CODE.
 */
public final class MmcCommands {
    private MmcCommands() {
    }

    /** SBC-4 rows a CD/DVD device runs as they are (MMC-6 6.1 lists each). */
    private static final Set<String> FROM_SBC = Set.of("READ(6)", "READ(10)", "READ(12)", "READ CAPACITY(10)",
            "START STOP UNIT", "PREVENT ALLOW MEDIUM REMOVAL", "SYNCHRONIZE CACHE(10)", "WRITE(10)", "WRITE(12)");
    /** SPC-5 rows a CD/DVD device leaves out: it has no copy manager (3PC 0) and no log pages. */
    private static final Set<String> NOT_FROM_SPC = Set.of("EXTENDED COPY(LID1)", "LOG SENSE");

    /** MMC-6's own rows. */
    public static final List<CommandRow> OWN = List.of(
            row("READ FORMAT CAPACITIES", Opcodes.READ_FORMAT_CAPACITIES, IN)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::readFormatCapacities)
                    .answers(Cdb.ReadFormatCapacities.class, Drive::readFormatCapacities)
                    .reservation(ReservationClass.ALLOWED).timeout(CONTROL).build(),
            row("READ TOC/PMA/ATIP", Opcodes.READ_TOC_PMA_ATIP, IN)
                    .usage(0xFF, 0x02, 0x0F, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::readToc).answers(Cdb.ReadToc.class, Disc::readToc)
                    .reservation(ReservationClass.READ).needsMedium().timeout(CONTROL).build(),
            // MMC-6 4.1.6.1: GET CONFIGURATION and GET EVENT STATUS NOTIFICATION run with a unit
            // attention pending, which they neither report nor clear
            row("GET CONFIGURATION", Opcodes.GET_CONFIGURATION, IN)
                    .usage(0xFF, 0x03, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::getConfiguration).answers(Cdb.GetConfiguration.class, Features::getConfiguration)
                    .uaExempt().underSpc2Reservation().reservation(ReservationClass.ALLOWED).timeout(CONTROL).build(),
            row("GET EVENT STATUS NOTIFICATION", Opcodes.GET_EVENT_STATUS_NOTIFICATION, IN)
                    .usage(0xFF, 0x01, 0x00, 0x00, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::getEventStatusNotification)
                    .answers(Cdb.GetEventStatusNotification.class, Events::getEventStatusNotification)
                    .uaExempt().underSpc2Reservation().reservation(ReservationClass.ALLOWED).timeout(CONTROL).build(),
            row("READ DISC INFORMATION", Opcodes.READ_DISC_INFORMATION, IN)
                    .usage(0xFF, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::readDiscInformation)
                    .answers(Cdb.ReadDiscInformation.class, Disc::readDiscInformation)
                    .reservation(ReservationClass.READ).needsMedium().timeout(CONTROL).build(),
            row("READ TRACK INFORMATION", Opcodes.READ_TRACK_INFORMATION, IN)
                    .usage(0xFF, 0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::readTrackInformation)
                    .answers(Cdb.ReadTrackInformation.class, Disc::readTrackInformation)
                    .reservation(ReservationClass.READ).needsMedium().timeout(CONTROL).build(),
            row("GET PERFORMANCE", Opcodes.GET_PERFORMANCE, IN)
                    .usage(0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00)
                    .parser(CdbDecoder::getPerformance).answers(Cdb.GetPerformance.class, Drive::getPerformance)
                    .reservation(ReservationClass.ALLOWED).timeout(CONTROL).build(),
            row("SET CD SPEED", Opcodes.SET_CD_SPEED, NONE)
                    .usage(0xFF, 0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00)
                    .parser(CdbDecoder::setCdSpeed).answers(Cdb.SetCdSpeed.class, Drive::setCdSpeed)
                    .reservation(ReservationClass.ALLOWED).timeout(MEDIUM).build(),
            row("MECHANISM STATUS", Opcodes.MECHANISM_STATUS, IN)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::mechanismStatus).answers(Cdb.MechanismStatus.class, Drive::mechanismStatus)
                    .reservation(ReservationClass.ALLOWED).timeout(CONTROL).build());

    /** Every row of the set: SPC-5's, the shared block commands, MMC-6's own. */
    public static List<CommandRow> rows() {
        return CommandSets.compose(NOT_FROM_SPC, FROM_SBC, OWN);
    }
}
