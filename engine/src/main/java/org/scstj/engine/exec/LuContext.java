package org.scstj.engine.exec;

import org.scstj.engine.xcopy.CopyScope;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;

/**
 * A logical unit as one command sees it through one nexus: the device, the LUN number the
 * initiator used, whether this nexus's mapping (or the device) is read-only, the LU's mode
 * parameters, medium and whole-medium operation state, which every nexus of the LU shares
 * ({@link ModeParameters}, {@link MediumState}, {@link WholeMediumState}), and what its copy
 * manager may use for this nexus ({@link CopyScope}).
 *
 * @param lun      the LUN number as mapped for this initiator
 * @param device   the backend
 * @param readOnly device read-only, or the mapping read-only (SBC-4 4.11)
 * @param nexus    the I_T nexus the command came on
 * @param mode     the LU's current mode parameters
 * @param medium   the LU's medium: present or ejected, removal prevented by which nexuses
 * @param wholeMedium the LU's FORMAT UNIT / SANITIZE state
 * @param copy     the LUs this nexus may copy between, the LU's copy manager, this nexus's copy status
 * @param reservations the LU's SPC-2 and persistent reservations (SPC-5 5.14)
 * @param readOnlyMapping this nexus's mapping is read-only (LUN masking): besides the medium, it may
 *                 not change the state the LU's other nexuses share and could be denied access by
 *                 (mode pages, reservations, the removable medium: the command table's {@code sharedState})
 */
public record LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                        MediumState medium, WholeMediumState wholeMedium, CopyScope copy,
                        Reservations reservations, boolean readOnlyMapping) {

    /** A context whose mapping is read-only exactly when {@code readOnly} says so (tests). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                     MediumState medium, WholeMediumState wholeMedium, CopyScope copy, Reservations reservations) {
        this(lun, device, readOnly, nexus, mode, medium, wholeMedium, copy, reservations, readOnly);
    }

    /** A context with reservations of its own (tests, and LUs no other nexus shares). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                     MediumState medium, WholeMediumState wholeMedium, CopyScope copy) {
        this(lun, device, readOnly, nexus, mode, medium, wholeMedium, copy, new Reservations());
    }

    /** A context of its own: medium, no whole-medium rate limit, a copy manager that sees only this LU (tests). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode) {
        this(lun, device, readOnly, nexus, mode, new MediumState(device != null && device.capabilities().removable()));
    }

    /** A context on a shared medium (tests). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                     MediumState medium) {
        this(lun, device, readOnly, nexus, mode, medium, WholeMediumState.unlimited(),
                CopyScope.only(lun, device, readOnly, mode));
    }

    /** A context with the given copy scope (tests). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode, CopyScope copy) {
        this(lun, device, readOnly, nexus, mode, new MediumState(device != null && device.capabilities().removable()),
                WholeMediumState.unlimited(), copy);
    }

    /** A context with the given whole-medium state (tests). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                     WholeMediumState wholeMedium) {
        this(lun, device, readOnly, nexus, mode, new MediumState(device != null && device.capabilities().removable()),
                wholeMedium, CopyScope.only(lun, device, readOnly, mode));
    }

    /** A context with its own default mode parameters, D_SENSE as given (tests, single-nexus use). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, boolean descriptorSense) {
        this(lun, device, readOnly, nexus, defaults(device, descriptorSense));
    }

    private static ModeParameters defaults(BlockDevice device, boolean descriptorSense) {
        ModeParameters m = new ModeParameters(device != null && device.capabilities().writeBackCache());
        m.apply(m.writeBackDefault(), descriptorSense, false);
        return m;
    }

    /** SBC-4 4.11: read-only mapping or device, or the Control page's SWP (SPC-5 7.5.8). */
    public boolean writeProtected() {
        return readOnly || mode.softwareWriteProtect();
    }

    /** Control mode page D_SENSE (SPC-5 7.5.8): descriptor-format sense. */
    public boolean descriptorSense() {
        return mode.descriptorSense();
    }
}
