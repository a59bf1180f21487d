package org.scstj.transports.iscsi.initiator;

import org.scstj.transports.iscsi.pdu.Opcode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An iSCSI session seen from the initiator (RFC 7143 3.2.2): one or more {@link Connection}s with
 * one ISID/TSIH, one CmdSN sequence (session-wide, RFC 7143 3.2.2.1) and one Initiator Task Tag
 * space; StatSN / ExpStatSN stay per connection. Commands keep connection allegiance: their
 * responses are awaited on the connection they were sent on. Blocking; CmdSN and ITT allocation
 * are thread-safe, so several threads may drive the session, each on a connection of its own
 * (a {@link Connection} is used by one thread at a time). Unsolicited NOP-In pings are answered while waiting; Async Messages are kept
 * in {@link #asyncMessages()}.
 */
public final class Session implements AutoCloseable {
    private final InetSocketAddress address;
    private final LoginSpec spec;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Pdu> asyncMessages = new CopyOnWriteArrayList<>();
    private Negotiated negotiated;
    private int tsih;
    private int cmdSn = 1;
    private int expCmdSn = 1;
    private int maxCmdSn = 1;
    private int nextItt = 1;

    private Session(InetSocketAddress address, LoginSpec spec) {
        this.address = address;
        this.spec = spec;
    }

    /** Connects and logs in the leading connection (CID from {@code spec}). */
    public static Session open(InetSocketAddress address, LoginSpec spec, Duration timeout) throws IOException {
        Session s = new Session(address, spec.copy());
        Connection c = Connection.open(address, spec.cid(), timeout);
        try {
            s.negotiated = Login.run(c, s.spec, s.newItt(), s.cmdSn, timeout);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        s.tsih = s.negotiated.tsih();
        s.connections.add(c);
        return s;
    }

    /**
     * Adds a connection to this session (RFC 7143 5.3: same ISID, this session's TSIH, a new CID),
     * with the same keys unless {@code keys} changes them.
     */
    public Connection addConnection(int cid, LoginSpec keys, Duration timeout) throws IOException {
        LoginSpec s = (keys == null ? spec : keys).copy().isid(spec.isid()).tsih(tsih).cid(cid);
        Connection c = Connection.open(address, cid, timeout);
        try {
            Login.run(c, s, newItt(), cmdSn(), timeout);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        connections.add(c);
        return c;
    }

    /**
     * Logs in a connection with this session's ISID (RFC 7143 6.3.4 / 5.3) and TSIH {@code tsih}:
     * 0 reinstates the session, this TSIH with an existing CID reinstates that connection.
     */
    public Connection reconnect(int cid, int tsihToSend, Duration timeout) throws IOException {
        LoginSpec s = spec.copy().tsih(tsihToSend).cid(cid);
        Connection c = Connection.open(address, cid, timeout);
        try {
            Login.run(c, s, newItt(), cmdSn(), timeout);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        connections.add(c);
        return c;
    }

    public Negotiated negotiated() {
        return negotiated;
    }

    public int tsih() {
        return tsih;
    }

    public long isid() {
        return spec.isid();
    }

    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    public Connection connection(int index) {
        return connections.get(index);
    }

    /** Forgets a connection (after it was logged out or killed). */
    public void drop(Connection c) throws IOException {
        connections.remove(c);
        c.close();
    }

    public List<Pdu> asyncMessages() {
        return List.copyOf(asyncMessages);
    }

    /** The next CmdSN to be used (RFC 7143 3.2.2.1). */
    public synchronized int cmdSn() {
        return cmdSn;
    }

    public synchronized int expCmdSn() {
        return expCmdSn;
    }

    public synchronized int maxCmdSn() {
        return maxCmdSn;
    }

    /** Takes a CmdSN for a non-immediate PDU (advances) or reads it for an immediate one. */
    public synchronized int takeCmdSn(boolean immediate) {
        return immediate ? cmdSn : cmdSn++;
    }

    /** A fresh Initiator Task Tag, never the reserved 0xffffffff. */
    public synchronized int newItt() {
        int itt = nextItt++;
        if (nextItt == Pdu.NO_TAG) {
            nextItt = 1;
        }
        return itt;
    }

    // ---- SCSI ----

    /** A command that reads {@code expectedLength} bytes (or none) on the first connection. */
    public ScsiResult scsi(int lun, byte[] cdb, int expectedLength, Duration timeout) throws IOException {
        return scsi(connections.getFirst(), lun, cdb, null, expectedLength, timeout);
    }

    /** A command that writes {@code dataOut} on the first connection. */
    public ScsiResult scsiWrite(int lun, byte[] cdb, byte[] dataOut, Duration timeout) throws IOException {
        return scsi(connections.getFirst(), lun, cdb, dataOut, 0, timeout);
    }

    /**
     * Runs one SCSI command on {@code c} (RFC 7143 11.3-11.8): immediate data and unsolicited
     * Data-Out as negotiated (up to FirstBurstLength), Data-Out for every R2T split at the target's
     * MaxRecvDataSegmentLength, Data-In gathered at its buffer offsets, status from a SCSI Response
     * or a final Data-In with the S bit (phase collapse). At ERL 1 a Reject of a Data-Out (data
     * digest error) is kept and the recovery R2T that follows is answered like any R2T (7.1.4.1).
     */
    public ScsiResult scsi(Connection c, int lun, byte[] cdb, byte[] dataOut, int expectedIn, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Task t = start(c, lun, cdb, dataOut, expectedIn);
        while (!step(t, deadline)) {
            // each step handles one PDU of the task
        }
        return t.result;
    }

    /**
     * Sends one SCSI command on {@code c} with its immediate and unsolicited data and returns at
     * once; {@link #step} / {@link #finish} carry it on, {@link #reassign} moves it to another
     * connection after a connection failure (ERL 2).
     */
    public Task start(Connection c, int lun, byte[] cdb, byte[] dataOut, int expectedIn) throws IOException {
        int itt = newItt();
        long lunField = Pdus.lun(lun);
        boolean write = dataOut != null && dataOut.length > 0;
        boolean read = expectedIn > 0;
        int edtl = write ? dataOut.length : expectedIn;
        int segment = c.sendLimit();
        int firstBurst = Math.min(negotiated.firstBurstLength(), edtl);
        int immediate = write && negotiated.immediateData() ? Math.min(firstBurst, segment) : 0;
        boolean unsolicited = write && !negotiated.initialR2T() && immediate < firstBurst;
        int sn = takeCmdSn(false);
        Task t = new Task(c, itt, sn, lun, write ? dataOut : null, read ? expectedIn : 0);
        Pdu cmd = Pdus.scsiCommand(itt, lunField, cdb, read, write, edtl, sn, c.expStatSn(), !unsolicited);
        if (immediate > 0) {
            cmd.data(Pdus.slice(dataOut, 0, immediate));
        }
        c.send(cmd);
        if (unsolicited) {
            sendData(c, itt, lunField, Pdu.NO_TAG, dataOut, immediate, firstBurst - immediate);
        }
        return t;
    }

    /** Carries {@code t} on until its status arrives; the result. */
    public ScsiResult finish(Task t, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!step(t, deadline)) {
            // each step handles one PDU of the task
        }
        return t.result;
    }

    /**
     * Handles the next PDU of {@code t} on its connection: an R2T is answered with its Data-Out, a
     * Data-In stored at its offset, a Reject kept. True once the task has its result.
     */
    public boolean step(Task t, long deadlineNanos) throws IOException {
        if (t.result != null) {
            return true;
        }
        Connection c = t.connection;
        Pdu p = awaitTask(c, t.itt, deadlineNanos);
        switch (p.opcode()) {
            case Opcode.R2T -> {
                byte[] dataOut = t.dataOut;
                if (dataOut == null) {
                    throw new Connection.ProtocolException("R2T for a command without data-out: " + p);
                }
                int offset = p.i32(40);
                int length = p.i32(44);
                if (offset < 0 || length < 0 || offset + length > dataOut.length || offset + length < 0) {
                    throw new Connection.ProtocolException("R2T outside the EDTL: " + p);
                }
                sendData(c, t.itt, t.lunField, p.ttt(), dataOut, offset, length);
            }
            case Opcode.DATA_IN -> {
                int offset = p.i32(40);
                byte[] d = p.data();
                if (offset < 0 || offset + d.length > t.in.length || offset + d.length < 0) {
                    throw new Connection.ProtocolException("Data-In outside the EDTL: " + p);
                }
                System.arraycopy(d, 0, t.in, offset, d.length);
                t.received = Math.max(t.received, offset + d.length);
                if (p.i32(36) == t.nextDataSn) {
                    t.nextDataSn++;
                }
                if ((p.flags() & 0x01) != 0) {
                    t.result = result(p, 0, new byte[0], t.in, t.received, t.rejects);
                }
            }
            case Opcode.SCSI_RESPONSE -> {
                byte[] sense = new byte[0];
                if (p.data().length >= 2) {
                    int n = ((p.data()[0] & 0xff) << 8) | (p.data()[1] & 0xff);
                    sense = Arrays.copyOfRange(p.data(), 2, Math.min(p.data().length, 2 + n));
                }
                t.result = result(p, p.response(), sense, t.in, t.received, t.rejects);
            }
            case Opcode.REJECT -> {
                t.rejects.add(p);
                // a rejected command gets no status (RFC 7143 11.17): report the Reject as the end
                if (new Pdu(Arrays.copyOf(p.data(), Pdu.BHS), null, null).opcode() == Opcode.SCSI_COMMAND) {
                    t.result = new ScsiResult(-1, -1, new byte[0], t.in, t.received, false, false, 0,
                            List.copyOf(t.rejects));
                }
            }
            default -> throw new Connection.ProtocolException("unexpected PDU for task " + t.itt + ": " + p);
        }
        return t.result != null;
    }

    /**
     * ERL 2 connection recovery (RFC 7143 7.2, 11.5.1): sends TASK REASSIGN for {@code t} on
     * {@code to} (a connection of this session that replaced the failed one) with ExpDataSN
     * {@link Task#nextDataSn()}, and, when the target answers Function Complete, carries the task
     * on there: recovery R2Ts are answered, Data-In from that DataSN and the status gathered.
     * Throws {@link Connection.ProtocolException} with the TMF response code when it is refused.
     */
    public ScsiResult reassign(Task t, Connection to, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int response = taskManagement(to, TASK_REASSIGN, t.lun, t.itt, t.cmdSn, t.nextDataSn, timeout);
        if (response != 0) {
            throw new Connection.ProtocolException("TASK REASSIGN of task " + t.itt + " refused, response " + response);
        }
        t.connection = to;
        while (!step(t, deadline)) {
            // each step handles one PDU of the task
        }
        return t.result;
    }

    /** RFC 7143 11.5.1: Task Management function 8. */
    public static final int TASK_REASSIGN = 8;

    private ScsiResult result(Pdu p, int response, byte[] sense, byte[] in, int received, List<Pdu> rejects) {
        int flags = p.flags();
        return new ScsiResult(response, p.status(), sense, Arrays.copyOf(in, received), received,
                (flags & 0x04) != 0, (flags & 0x02) != 0, p.i32(44), List.copyOf(rejects));
    }

    /** One data sequence: Data-Out PDUs of at most the target's MaxRecvDataSegmentLength, DataSN from 0. */
    private void sendData(Connection c, int itt, long lun, int ttt, byte[] data, int offset, int length) throws IOException {
        int segment = c.sendLimit();
        int dataSn = 0;
        for (int at = offset; at < offset + length; at += segment) {
            int n = Math.min(segment, offset + length - at);
            c.send(Pdus.dataOut(itt, lun, ttt, dataSn++, at, Pdus.slice(data, at, n), at + n == offset + length,
                    c.expStatSn()));
        }
    }

    /** The next PDU of task {@code itt} on {@code c}: a response, R2T, Data-In, or a Reject of one of its PDUs. */
    public Pdu awaitTask(Connection c, int itt, long deadlineNanos) throws IOException {
        while (true) {
            Pdu p = c.await(q -> q.itt() == itt || isTargetInitiated(q)
                    || (q.opcode() == Opcode.REJECT && q.data().length >= Pdu.BHS && rejectedItt(q) == itt), deadlineNanos);
            note(p);
            if (isTargetInitiated(p) && p.itt() != itt) {
                answerTarget(c, p);
                continue;
            }
            return p;
        }
    }

    private static int rejectedItt(Pdu reject) {
        byte[] d = reject.data();
        return ((d[16] & 0xff) << 24) | ((d[17] & 0xff) << 16) | ((d[18] & 0xff) << 8) | (d[19] & 0xff);
    }

    private static boolean isTargetInitiated(Pdu p) {
        return (p.opcode() == Opcode.NOP_IN && p.itt() == Pdu.NO_TAG) || p.opcode() == Opcode.ASYNC_MESSAGE;
    }

    /** RFC 7143 11.19: a NOP-In ping (TTT set) is answered with a NOP-Out echoing the TTT. */
    private void answerTarget(Connection c, Pdu p) throws IOException {
        if (p.opcode() == Opcode.ASYNC_MESSAGE) {
            asyncMessages.add(p);
        } else if (p.ttt() != Pdu.NO_TAG) {
            c.send(Pdus.nopOut(Pdu.NO_TAG, p.ttt(), p.lun(), cmdSn(), c.expStatSn(), true, p.data()));
        }
    }

    /** ExpCmdSN / MaxCmdSN from any response that carries them (RFC 7143 3.2.2.1, serial arithmetic). */
    private synchronized void note(Pdu p) {
        switch (p.opcode()) {
            case Opcode.NOP_IN, Opcode.SCSI_RESPONSE, Opcode.TASK_MGMT_RESPONSE, Opcode.TEXT_RESPONSE, Opcode.DATA_IN,
                 Opcode.LOGOUT_RESPONSE, Opcode.R2T, Opcode.ASYNC_MESSAGE, Opcode.REJECT -> {
                if (p.expCmdSn() - expCmdSn > 0) {
                    expCmdSn = p.expCmdSn();
                }
                if (p.maxCmdSn() - maxCmdSn > 0) {
                    maxCmdSn = p.maxCmdSn();
                }
            }
            default -> { }
        }
    }

    // ---- other requests ----

    /** NOP-Out ping with {@code data} (RFC 7143 11.18); returns the NOP-In's echoed data. */
    public byte[] ping(Connection c, byte[] data, Duration timeout) throws IOException {
        int itt = newItt();
        c.send(Pdus.nopOut(itt, Pdu.NO_TAG, 0, takeCmdSn(true), c.expStatSn(), true, data));
        Pdu p = awaitTask(c, itt, System.nanoTime() + timeout.toNanos());
        if (p.opcode() != Opcode.NOP_IN) {
            throw new Connection.ProtocolException("expected NOP-In, got " + p);
        }
        return p.data();
    }

    /** Text SendTargets=value (RFC 7143 11.10, 13 appendix D), following continued responses; the pairs. */
    public List<String> sendTargets(Connection c, String value, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int itt = newItt();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Pdu req = Pdus.text(itt, Pdu.NO_TAG, takeCmdSn(true), c.expStatSn(), true, false, Pdu.text("SendTargets=" + value));
        for (int part = 0; part < 1024; part++) {
            c.send(req);
            Pdu p = awaitTask(c, itt, deadline);
            if (p.opcode() != Opcode.TEXT_RESPONSE) {
                throw new Connection.ProtocolException("expected a Text Response, got " + p);
            }
            text.writeBytes(p.data());
            if ((p.flags() & 0x40) == 0) {
                return new Pdu(new byte[Pdu.BHS], null, text.toByteArray()).pairs();
            }
            req = Pdus.text(itt, p.ttt(), takeCmdSn(true), c.expStatSn(), true, false, new byte[0]);
        }
        throw new Connection.ProtocolException("endless Text Response");
    }

    /**
     * A task management function (RFC 7143 11.5.1, functions 1 ABORT TASK ... 7 TARGET COLD RESET,
     * 8 TASK REASSIGN); returns the response code (11.6.1).
     */
    public int taskManagement(Connection c, int function, int lun, int referencedTaskTag, int refCmdSn,
                              int expDataSn, Duration timeout) throws IOException {
        int itt = newItt();
        c.send(Pdus.taskManagement(itt, function, Pdus.lun(lun), referencedTaskTag, takeCmdSn(true), c.expStatSn(),
                refCmdSn, expDataSn));
        Pdu p = awaitTask(c, itt, System.nanoTime() + timeout.toNanos());
        if (p.opcode() != Opcode.TASK_MGMT_RESPONSE) {
            throw new Connection.ProtocolException("expected a TMF Response, got " + p);
        }
        return p.response();
    }

    /**
     * Logout (RFC 7143 11.14) on {@code c}: reason 0 closes the session, 1 closes connection
     * {@code cid}, 2 removes it for recovery. Returns the Logout Response; the connection is
     * closed and forgotten when it is the one logged out (or reason 0).
     */
    public Pdu logout(Connection c, int reason, int cid, Duration timeout) throws IOException {
        int itt = newItt();
        c.send(Pdus.logout(itt, reason, cid, takeCmdSn(true), c.expStatSn()));
        Pdu p = awaitTask(c, itt, System.nanoTime() + timeout.toNanos());
        if (p.opcode() != Opcode.LOGOUT_RESPONSE) {
            throw new Connection.ProtocolException("expected a Logout Response, got " + p);
        }
        if (reason == 0) {
            for (Connection each : connections) {
                drop(each);
            }
        } else if (cid == c.cid()) {
            drop(c);
        }
        return p;
    }

    /** Logout of the whole session on the first connection. */
    public Pdu logout(Duration timeout) throws IOException {
        return logout(connections.getFirst(), 0, connections.getFirst().cid(), timeout);
    }

    /** Sends a SNACK (RFC 7143 11.16); the caller reads what the target resends. */
    public void snack(Connection c, int type, int itt, int lun, int ttt, int begRun, int runLength) throws IOException {
        c.send(Pdus.snack(type, itt, Pdus.lun(lun), ttt, c.expStatSn(), begRun, runLength));
    }

    /** Closes every connection without logging out. */
    @Override
    public void close() throws IOException {
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
    }
}
