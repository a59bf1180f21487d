package org.scstj.engine.pr;

import org.scstj.engine.spi.Names;
import org.scstj.engine.spi.Nexus;

/**
 * Who a registration belongs to (SPC-5 5.14.7): an initiator port, named as an iSCSI TransportID
 * names it (SPC-5 7.6.4.6: the iSCSI name, and the ISID for format 01b; a format 00b TransportID,
 * {@code isid} null, names every initiator port of that name), through one target port or all of
 * them (ALL_TG_PT).
 *
 * @param initiatorName        iSCSI name in its canonical form ({@link Names#canonical}, RFC 3722)
 * @param isid                 12 hexadecimal digits, lower case, or null for every ISID
 * @param relativeTargetPortId the target port it was registered through
 * @param allTargetPorts       registered through every target port (ALL_TG_PT)
 */
public record Registrant(String initiatorName, String isid, int relativeTargetPortId, boolean allTargetPorts) {

    private static final String ISID_SEPARATOR = ",i,0x";

    public Registrant {
        initiatorName = Names.canonical(initiatorName);
        isid = Names.canonical(isid);
    }

    /** The I_T nexus's own initiator port through its target port ({@code allTargetPorts} for ALL_TG_PT). */
    public static Registrant of(Nexus nexus, boolean allTargetPorts) {
        return new Registrant(nexus.initiatorName(), isidOf(nexus), nexus.relativeTargetPortId(), allTargetPorts);
    }

    /** The ISID of an iSCSI initiator port name {@code <name>,i,0x<ISID>}, or the whole port name for another transport. */
    static String isidOf(Nexus nexus) {
        String port = nexus.initiatorPortName();
        int at = port.lastIndexOf(ISID_SEPARATOR); // a Nexus's names are canonical: lower case
        return at < 0 ? port : port.substring(at + ISID_SEPARATOR.length());
    }

    /** True if this registration is the one of {@code nexus}. */
    public boolean matches(Nexus nexus) {
        return initiatorName.equals(nexus.initiatorName())
                && (isid == null || isid.equals(isidOf(nexus)))
                && (allTargetPorts || relativeTargetPortId == nexus.relativeTargetPortId());
    }

    /** Same initiator port and target port(s), whatever the key. */
    boolean sameAs(Registrant other) {
        return initiatorName.equals(other.initiatorName) && java.util.Objects.equals(isid, other.isid)
                && (allTargetPorts || other.allTargetPorts || relativeTargetPortId == other.relativeTargetPortId);
    }
}
