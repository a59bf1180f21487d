package org.scstj.engine.lu;

import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.spi.BlockDevice;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the copy manager of one LU may use for the commands of one I_T nexus (SPC-4 6.3
 * EXTENDED COPY, SPC-3 6.17 RECEIVE COPY RESULTS): the logical units this nexus may access, by the NAA
 * designator INQUIRY VPD page 83h reports for them (an Identification CSCD descriptor names a copy
 * source or destination that way), the LU's {@link CopyManager} and this nexus's
 * {@link CopyStatusTable}.
 *
 * <p>Only the LUs mapped to the nexus's initiator are in {@link #targets}: a CSCD descriptor
 * naming any other device of the target, or of the daemon, is not found, so that device is never
 * touched (the hole of LIO's CVE-2020-28374, where the copy manager searched every backstore).
 *
 * @param targets the accessible LUs by NAA designator (immutable; one map shared by every LUN of the nexus)
 * @param manager the LU's copy manager (shared by every nexus of the LU)
 * @param status  the copies of this nexus on this LU
 */
public record CopyScope(Map<Long, Target> targets, CopyManager manager, CopyStatusTable status) {

    /**
     * A logical unit a copy may read or write, as this nexus may access it.
     *
     * @param lun      the LUN this nexus knows it by
     * @param readOnly the mapping or the device is read-only
     * @param mode     the LU's mode parameters (WCE, SWP)
     * @param medium   the LU's medium (a removable one may be ejected)
     * @param wholeMedium the LU's FORMAT UNIT / SANITIZE state
     */
    public record Target(int lun, BlockDevice device, boolean readOnly, ModeParameters mode, MediumState medium,
                         WholeMediumState wholeMedium) {
        /** SBC-4 4.11: read-only mapping or device (as it reports now), or the Control page's SWP. */
        public boolean writeProtected() {
            return readOnly || (device != null && device.capabilities().readOnly()) || mode.softwareWriteProtect();
        }

        /**
         * The LU can take part in a copy now: its medium is present (SBC-4 5.25) and no FORMAT UNIT
         * or SANITIZE runs or failed on it (SBC-4 5.3.1, 4.11); otherwise it is not reachable.
         */
        public boolean ready() {
            return medium.present() && wholeMedium.condition() == null;
        }
    }

    /** The accessible LU with this NAA designator (VPD 83h, type 3), or null. */
    public Target target(long naa) {
        return targets.get(naa);
    }

    /**
     * The LUs a nexus may access, by NAA designator. A device mapped at several LUNs appears once,
     * read-only only if every mapping is; two different devices claiming one designator are both
     * left out (a CSCD descriptor could not tell them apart).
     */
    public static Map<Long, Target> byNaa(Collection<Target> accessible) {
        Map<Long, Target> map = new HashMap<>();
        Set<Long> ambiguous = new HashSet<>();
        for (Target t : accessible) {
            if (t.device() == null) {
                continue;
            }
            long naa = t.device().capabilities().naaId();
            Target seen = map.get(naa);
            if (seen == null) {
                if (!ambiguous.contains(naa)) {
                    map.put(naa, t);
                }
            } else if (seen.device() == t.device()) {
                if (seen.readOnly() && !t.readOnly()) {
                    map.put(naa, t);
                }
            } else {
                map.remove(naa);
                ambiguous.add(naa);
            }
        }
        return Map.copyOf(map);
    }
}
