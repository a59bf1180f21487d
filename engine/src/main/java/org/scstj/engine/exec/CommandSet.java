package org.scstj.engine.exec;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CommandTable;
import org.scstj.engine.sense.Failure;

/**
 * The seam between the actors, which run the stages and the checks, and the SCSI emulation, which
 * decodes CDBs and executes commands. The actors never look at CDB bytes. The standard
 * implementation is {@link org.scstj.engine.cdb.StandardCommandSet}; actor tests use their own.
 */
public interface CommandSet {
    /** Parse stage: decode the CDB once (SAM-5 5.2). Never throws. */
    Parsed parse(byte[] cdb);

    /**
     * Exec stage: runs a command whose checks passed, or answers one that failed to decode;
     * calls {@code ctx.complete} exactly once.
     */
    void execute(Parsed command, ExecContext ctx);

    /**
     * The parse stage's result: a decoded command (with its command-table row, whose flags the
     * checks read) or the failure to answer with.
     */
    record Parsed(Cdb cdb, Failure failure) {
        public boolean decoded() {
            return failure == null;
        }

        /** The command-table row, or null when decoding failed. */
        public CommandTable.Row row() {
            return cdb == null ? null : cdb.row();
        }

        /** SAM-5 5.14: INQUIRY, REPORT LUNS and REQUEST SENSE neither report nor clear a unit attention. */
        public boolean uaExempt() {
            return cdb != null && cdb.row().uaExempt();
        }

        /** SBC-4 4.11: the command changes the medium. */
        public boolean writesMedium() {
            return cdb != null && cdb.row().writesMedium();
        }

        /** The command changes state the LU's nexuses share (mode parameters, reservations, the medium). */
        public boolean changesSharedState() {
            return cdb != null && cdb.changesSharedState();
        }
    }
}
