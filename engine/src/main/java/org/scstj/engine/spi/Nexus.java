package org.scstj.engine.spi;

/**
 * An I_T nexus as the transport identifies it (SAM-5 4.6.2). Names are kept in their canonical
 * form ({@link Names#canonical}: iSCSI names compare case-insensitively), whatever the transport
 * passed, so two spellings of one initiator are one nexus everywhere. Access control keys on
 * {@link #initiatorName}; unit attentions and reservations key on {@link #initiatorPortName}
 * (for iSCSI, RFC 7143 10.1: {@code <InitiatorName>,i,0x<ISID>}).
 *
 * @param initiatorName        iSCSI InitiatorName (or another transport's initiator device name)
 * @param initiatorPortName    the initiator port identifier, unique per I_T nexus
 * @param targetName           the target (an IQN for iSCSI)
 * @param targetPortName       the target port identifier ({@code <TargetName>,t,0x<TPGT>})
 * @param relativeTargetPortId SPC-5 relative target port identifier (1..65535)
 * @param targetPortGroup      target port group (iSCSI portal group tag)
 */
public record Nexus(String initiatorName, String initiatorPortName, String targetName,
                    String targetPortName, int relativeTargetPortId, int targetPortGroup) {
    public Nexus {
        initiatorName = Names.canonical(initiatorName);
        initiatorPortName = Names.canonical(initiatorPortName);
        targetName = Names.canonical(targetName);
        targetPortName = Names.canonical(targetPortName);
    }
}
