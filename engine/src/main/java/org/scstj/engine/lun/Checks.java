package org.scstj.engine.lun;

import org.scstj.engine.alua.AccessState;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.UnitAttentions;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

/**
 * The checks stage, one small function per check, in the order the LUN actor runs them (SAM-5
 * 5.14, SPC-5 5.14, 5.16, SBC-4 4.11): {@link #unitAttention}, {@link #accessState},
 * {@link #reservation}, {@link #writeProtect}, {@link #medium}. Each reads the command's
 * command-table row and the LU's state, and returns the response that ends the command, or null
 * to go on; none knows a command by its operation code. The LUN mapped check comes before, in the
 * session actor; the task manager's admission (task set full, busy, ACA) before these, in the
 * LUN actor.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * SAM-5 5.14: a pending unit attention ends every command but INQUIRY, REPORT LUNS and REQUEST
     * SENSE with CHECK CONDITION and is cleared by being reported (UA_INTLCK_CTRL 00b, SPC-5 7.5.8;
     * 10b and 11b keep it for REQUEST SENSE); a command that reports conditions as parameter data
     * (REQUEST SENSE, SPC-5 6.39) returns it instead, and clears it.
     */
    public static ScsiResponse unitAttention(CommandSet.Parsed parsed, Nexus nexus, UnitAttentions unitAttentions,
                                      int uaInterlock, int edtl, boolean descriptorSense) {
        SenseReason pending = unitAttentions.peek(nexus);
        if (pending == null) {
            return null;
        }
        CommandRow.ConditionReport report = parsed.decoded() ? parsed.row().reportsCondition() : null;
        if (report != null) {
            unitAttentions.clear(nexus);
            return report.report(parsed.cdb(), pending, -1, edtl);
        }
        if (parsed.uaExempt()) {
            return null;
        }
        if (uaInterlock == 0) {
            unitAttentions.clear(nexus);
        }
        return Failure.of(pending).toResponse(descriptorSense);
    }

    /**
     * SPC-5 5.16.2: a command its row does not allow in the access state of the target port group
     * it came through ends NOT READY: 04/0B standby, 04/0C unavailable, 04/0A transitioning.
     */
    public static ScsiResponse accessState(CommandSet.Parsed parsed, AccessState state, boolean descriptorSense) {
        if (!parsed.decoded() || parsed.row().allowedIn(parsed.cdb(), state)) {
            return null;
        }
        SenseReason reason = switch (state) {
            case STANDBY -> SenseReason.NOT_READY_TARGET_PORT_IN_STANDBY_STATE;
            case UNAVAILABLE -> SenseReason.NOT_READY_TARGET_PORT_IN_UNAVAILABLE_STATE;
            default -> SenseReason.NOT_READY_ASYMMETRIC_ACCESS_STATE_TRANSITION;
        };
        return Failure.of(reason).toResponse(descriptorSense);
    }

    private static final ScsiResponse RESERVATION_CONFLICT =
            new ScsiResponse(ScsiResponse.RESERVATION_CONFLICT, null, null, 0);

    /**
     * SPC-2 5.5.1, SPC-5 5.14: RESERVATION CONFLICT (status 18h, no sense) for a command the LU's
     * reservations exclude, by its row's reservation class; an idle LU costs one field read.
     */
    public static ScsiResponse reservation(CommandSet.Parsed parsed, Nexus nexus, Reservations reservations) {
        if (reservations.idle() || !parsed.decoded()
                || !reservations.conflicts(nexus, parsed.reservationClass(), parsed.allowedUnderSpc2Reservation())) {
            return null;
        }
        return RESERVATION_CONFLICT;
    }

    /**
     * SBC-4 4.11: commands that change the medium of a write-protected LU fail with DATA PROTECT,
     * WRITE PROTECTED. A read-only mapping protects more than the medium: the initiators it is given
     * to may read and inquire, register (and unregister) their own reservation key and give up what
     * they hold, but not change what the LU's other initiators share and could lose access by: mode
     * parameters (SWP, WCE), SPC-2 and persistent reservations, the removable medium. Those end
     * with the same DATA PROTECT (the row's shared-state rule).
     */
    public static ScsiResponse writeProtect(CommandSet.Parsed parsed, LuContext lu) {
        if ((parsed.writesMedium() && lu.writeProtected()) || (lu.readOnlyMapping() && parsed.changesSharedState())) {
            return Failure.of(SenseReason.WRITE_PROTECTED).toResponse(lu.descriptorSense());
        }
        return null;
    }

    /**
     * The medium, last. While a FORMAT UNIT or SANITIZE waits in the task set for the tasks before
     * it to leave the device ({@code queued}: the operation it will start), while one runs and after
     * one failed, each command gets what its row's whole-medium rule says (SBC-4 5.3.1, 4.11.1):
     * INQUIRY and REPORT LUNS are processed; REQUEST SENSE returns the condition, with the progress
     * indication once the operation runs; after a failure the commands that repair or spare the
     * medium run; everything else, an undecodable command included, ends NOT READY, FORMAT /
     * SANITIZE IN PROGRESS (04/04, 04/1B; with the progress once it runs) or MEDIUM ERROR 31/00,
     * 31/03 after a failure. Then a removable medium that is out: NOT READY, MEDIUM NOT PRESENT
     * (3A/00; a drive with a tray 3A/01 or 3A/02) for a command that needs it (SBC-4 5.25, MMC-6).
     * Then a device whose backing store is gone ({@code ready} false): NOT READY, MANUAL
     * INTERVENTION REQUIRED (04/03) for a command that needs the medium.
     */
    public static ScsiResponse medium(CommandSet.Parsed parsed, WholeMediumState wholeMedium, WholeMediumState.Kind queued,
                               MediumState medium, boolean ready, int edtl, boolean descriptorSense) {
        ScsiResponse r = wholeMedium(parsed, wholeMedium, queued, edtl, descriptorSense);
        if (r == null) {
            r = mediumPresent(parsed, medium, descriptorSense);
        }
        if (r == null && !ready && parsed.needsMedium()) {
            r = Failure.of(SenseReason.NOT_READY_MANUAL_INTERVENTION_REQUIRED).toResponse(descriptorSense);
        }
        return r;
    }

    /** The whole-medium half of {@link #medium}. */
    public static ScsiResponse wholeMedium(CommandSet.Parsed parsed, WholeMediumState wholeMedium,
                                           WholeMediumState.Kind queued, int edtl, boolean descriptorSense) {
        SenseReason condition = wholeMedium.condition();
        if (queued != null || condition != null) {
            boolean running = wholeMedium.inProgress() != null;
            if (condition == null) {
                condition = queued.inProgress(); // not begun: no progress yet
            }
            int progress = running ? wholeMedium.progressIndication() : -1;
            CommandRow.ConditionReport report = parsed.decoded() ? parsed.row().reportsCondition() : null;
            if (report != null) {
                return report.report(parsed.cdb(), condition, progress, edtl);
            }
            boolean failed = queued == null && !running;
            CommandRow.WholeMedium rule = parsed.duringWholeMedium();
            if (rule != CommandRow.WholeMedium.PROCESSED && !(rule == CommandRow.WholeMedium.AFTER_FAILURE && failed)) {
                return ScsiResponse.checkCondition(progress < 0 ? SenseData.build(condition, descriptorSense)
                        : SenseData.withProgress(condition, progress, descriptorSense), 0);
            }
        }
        return null;
    }

    /** The removable-medium half of {@link #medium}: SBC-4 5.25, 3A/00 without the medium. */
    public static ScsiResponse mediumPresent(CommandSet.Parsed parsed, MediumState medium, boolean descriptorSense) {
        if (parsed.needsMedium() && !medium.present()) {
            return Failure.of(medium.notPresent()).toResponse(descriptorSense);
        }
        return null;
    }
}
