package org.scstj.engine.sam;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;

/**
 * A logical unit as one command sees it through one nexus: the device, the LUN number the
 * initiator used, whether the medium is write-protected for this nexus (device read-only or a
 * read-only mapping), and the sense format the Control mode page selects (D_SENSE).
 *
 * @param lun             the LUN number as mapped for this initiator
 * @param device          the backend
 * @param writeProtected  device read-only, or the mapping read-only (SBC-4 4.11)
 * @param nexus           the I_T nexus the command came on
 * @param descriptorSense Control mode page D_SENSE (SPC-5 7.5.8): descriptor-format sense
 */
public record LuContext(int lun, BlockDevice device, boolean writeProtected, Nexus nexus,
                        boolean descriptorSense) {
}
