package org.scstj.engine.commands;

import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;

/** The parse stage as a disk LU runs it, as a {@link Decoded} value (tests of single CDBs). */
public final class Decode {
    private Decode() {
    }

    public static Decoded decode(byte[] cdb) {
        CommandSet.Parsed p = CommandSets.DISK.parse(cdb);
        return p.decoded() ? new Decoded.Ok(p.cdb()) : new Decoded.Rejected(p.failure());
    }

    /**
     * The smallest valid CDB of a row: opcode, service action, everything else 0; READ and WRITE BUFFER
     * take their echo buffer mode, the only modes a logical unit offers.
     */
    public static byte[] minimal(CommandRow row) {
        byte[] cdb = new byte[row.cdbLength()];
        cdb[0] = (byte) row.opcode();
        if (row.serviceAction() >= 0) {
            cdb[1] = (byte) row.serviceAction();
        }
        if (row.opcode() == Opcodes.READ_BUFFER_10 || row.opcode() == Opcodes.WRITE_BUFFER) {
            cdb[1] = Opcodes.BUFFER_MODE_ECHO;
        }
        return cdb;
    }
}
