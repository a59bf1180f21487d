package org.scstj.engine.pr;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.spi.Nexus;

/** The reservation check as the LUN actor makes it, for a decoded disk command (tests). */
final class Conflicts {
    private Conflicts() {
    }

    static boolean conflicts(Reservations r, Nexus nexus, Cdb cdb) {
        CommandRow row = CommandSets.DISK.lookup(cdb.opcode(), cdb.serviceAction());
        return r.conflicts(nexus, row.reservation().apply(cdb), row.spc2().test(cdb));
    }
}
