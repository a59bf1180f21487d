package org.scstj.engine.exec;

import org.scstj.engine.lu.CopyScope;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.stats.PortStats;

/**
 * A logical unit as one command sees it through one nexus: the LUN number the initiator used, the
 * device and its command set, whether this nexus's mapping (or the device) is read-only, the nexus,
 * the LU's state ({@link UnitState}, owned by its LUN actor: a command changes it only on the
 * actor's thread, {@link ExecContext#state}) and what its copy manager may use for this nexus
 * ({@link CopyScope}). Made once per nexus and LUN by the target actor; immutable.
 *
 * @param lun             the LUN number as mapped for this initiator
 * @param device          the backend
 * @param commands        the command set of the device's type
 * @param readOnly        the mapping is read-only, or the device was when the binding was made (SBC-4
 *                        4.11); the device's own write protection is read again at each command
 *                        ({@link #writeProtected}), for it may change while the LU runs
 * @param readOnlyMapping this nexus's mapping is read-only (LUN masking): besides the medium, it may
 *                        not change the state the LU's other nexuses share and could be denied access
 *                        by (mode pages, reservations, the removable medium: the rows' shared-state rule)
 * @param nexus           the I_T nexus the command came on
 * @param unit            the LU's state besides its task set
 * @param copy            the LUs this nexus may copy between, the LU's copy manager, this nexus's copy status
 * @param port            the counters of this device as this LUN of this target (written by the LUN actor)
 */
public record LuContext(int lun, BlockDevice device, CommandSet commands, boolean readOnly, boolean readOnlyMapping,
                        Nexus nexus, UnitState unit, CopyScope copy, PortStats port) {

    /** A context whose commands are counted nowhere anyone reads (tests). */
    public LuContext(int lun, BlockDevice device, CommandSet commands, boolean readOnly, boolean readOnlyMapping,
                     Nexus nexus, UnitState unit, CopyScope copy) {
        this(lun, device, commands, readOnly, readOnlyMapping, nexus, unit, copy, PortStats.NONE);
    }

    /** The LU's current mode parameters (volatile: readable on any thread). */
    public ModeParameters mode() {
        return unit.mode();
    }

    /** The LU's medium: present or ejected, removal prevented by which nexuses. */
    public MediumState medium() {
        return unit.medium();
    }

    /** The LU's FORMAT UNIT / SANITIZE state. */
    public WholeMediumState wholeMedium() {
        return unit.wholeMedium();
    }

    /** SPC-5 5.14.4: the LU can keep its persistent reservations across power loss (PTPL_C, APTPL accepted). */
    public boolean persistsReservations() {
        return unit.reservationFile() != null;
    }

    /** The LU's SPC-2 and persistent reservations (SPC-5 5.14): on the LUN actor's thread only. */
    public Reservations reservations() {
        return unit.reservations();
    }

    /**
     * SBC-4 4.11: read-only mapping or device (as the device reports now: a management change may
     * have made it read-only or writable), or the Control page's SWP (SPC-5 7.5.8).
     */
    public boolean writeProtected() {
        return readOnly || device.capabilities().readOnly() || mode().softwareWriteProtect();
    }

    /**
     * The block size a command's Data-Out length counts in ({@code Cdb.DataOut#dataOutLength}): the
     * device's, or a tape drive's fixed-block mode block length (SSC-3 WRITE(6) with FIXED).
     */
    public int dataOutBlockSize() {
        return unit.tape() != null ? unit.tape().blockLength() : device.blockSize();
    }

    /** Control mode page D_SENSE (SPC-5 7.5.8): descriptor-format sense. */
    public boolean descriptorSense() {
        return mode().descriptorSense();
    }
}
