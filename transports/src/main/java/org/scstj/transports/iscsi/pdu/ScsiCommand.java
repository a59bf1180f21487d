package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import org.scstj.engine.spi.TaskAttribute;

/**
 * RFC 7143 11.3 SCSI Command.
 *
 * @param finalFlag no unsolicited Data-Out follows (F)
 * @param cdb       the 16-byte CDB plus any Extended CDB AHS bytes (11.2.2.3)
 * @param data      immediate data
 */
public record ScsiCommand(Bhs bhs, boolean immediate, boolean finalFlag, boolean read, boolean write,
                          TaskAttribute attribute, long lun, int itt, int expectedDataTransferLength,
                          int cmdSn, int expStatSn, byte[] cdb, ByteBuf data) implements InboundPdu {

    static ScsiCommand parse(Bhs h, byte[] extendedCdb, ByteBuf data) {
        int f = h.flags();
        TaskAttribute attr = switch (f & 0x07) {
            case 0, 1 -> TaskAttribute.SIMPLE; // 0 = untagged, treated as simple
            case 2 -> TaskAttribute.ORDERED;
            case 3 -> TaskAttribute.HEAD_OF_QUEUE;
            case 4 -> TaskAttribute.ACA;
            default -> TaskAttribute.SIMPLE;
        };
        byte[] cdb = new byte[16 + (extendedCdb == null ? 0 : extendedCdb.length)];
        System.arraycopy(h.bytes(), 32, cdb, 0, 16);
        if (extendedCdb != null) {
            System.arraycopy(extendedCdb, 0, cdb, 16, extendedCdb.length);
        }
        return new ScsiCommand(h, h.immediate(), (f & 0x80) != 0, (f & 0x40) != 0, (f & 0x20) != 0, attr,
                h.lun(), h.itt(), h.i32(20), h.i32(24), h.i32(28), cdb, data);
    }
}
