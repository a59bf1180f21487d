package org.scstj.engine.commands;

import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.exec.CommandSet;

/** The parse stage as a disk LU runs it, as a {@link Decoded} value (tests of single CDBs). */
public final class Decode {
    private Decode() {
    }

    public static Decoded decode(byte[] cdb) {
        CommandSet.Parsed p = CommandSets.DISK.parse(cdb);
        return p.decoded() ? new Decoded.Ok(p.cdb()) : new Decoded.Rejected(p.failure());
    }
}
