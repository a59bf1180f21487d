package org.scstj.transports.iscsi.initiator;

import java.util.ArrayList;
import java.util.List;

/**
 * One SCSI command in progress ({@link Session#start}): what it sent, the Data-In gathered so far
 * at their buffer offsets, the next DataSN expected (the data acknowledgement reference of RFC
 * 7143 11.5.1, what a TASK REASSIGN carries as ExpDataSN), the Rejects seen and, once the status
 * arrived, the result. It keeps allegiance to {@link #connection()} (RFC 7143 2.2) until
 * {@link Session#reassign} moves it. Used by one thread at a time.
 */
public final class Task {
    final int itt;
    final int cmdSn;
    final int lun;
    final long lunField;
    final byte[] dataOut;
    final byte[] in;
    final List<Pdu> rejects = new ArrayList<>();
    Connection connection;
    int received;
    int nextDataSn;
    ScsiResult result;

    Task(Connection connection, int itt, int cmdSn, int lun, byte[] dataOut, int expectedIn) {
        this.connection = connection;
        this.itt = itt;
        this.cmdSn = cmdSn;
        this.lun = lun;
        this.lunField = Pdus.lun(lun);
        this.dataOut = dataOut;
        this.in = new byte[Math.max(0, expectedIn)];
    }

    /** The Initiator Task Tag (RFC 7143 11.2.1.8). */
    public int itt() {
        return itt;
    }

    /** The command's CmdSN. */
    public int cmdSn() {
        return cmdSn;
    }

    public int lun() {
        return lun;
    }

    /** The connection the task has allegiance to. */
    public Connection connection() {
        return connection;
    }

    /** DataSN of the next Data-In expected: every one below it arrived in order. */
    public int nextDataSn() {
        return nextDataSn;
    }

    /** Bytes of Data-In received up to the highest offset seen. */
    public int received() {
        return received;
    }

    /** The outcome once the status arrived (or the command was rejected), else null. */
    public ScsiResult result() {
        return result;
    }

    public boolean done() {
        return result != null;
    }
}
