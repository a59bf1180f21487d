package org.scstj.engine.sam;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;

/**
 * A logical unit as one command sees it through one nexus: the device, the LUN number the
 * initiator used, whether this nexus's mapping (or the device) is read-only, and the LU's mode
 * parameters, which every nexus of the LU shares ({@link ModeParameters}), as is its whole-medium
 * operation state ({@link WholeMediumState}).
 *
 * @param lun      the LUN number as mapped for this initiator
 * @param device   the backend
 * @param readOnly device read-only, or the mapping read-only (SBC-4 4.11)
 * @param nexus    the I_T nexus the command came on
 * @param mode     the LU's current mode parameters
 * @param wholeMedium the LU's FORMAT UNIT / SANITIZE state
 */
public record LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                        WholeMediumState wholeMedium) {

    /** A context with its own whole-medium state, no rate limit (tests, single-nexus use). */
    public LuContext(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode) {
        this(lun, device, readOnly, nexus, mode, WholeMediumState.unlimited());
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
