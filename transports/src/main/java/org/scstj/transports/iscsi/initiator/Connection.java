package org.scstj.transports.iscsi.initiator;

import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.codec.Crc32c;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * One TCP connection to a target: frames {@link Pdu}s with optional CRC32C header and data digests
 * (RFC 7143 11.2, 13.1), tracks this connection's ExpStatSN (StatSN is per connection, RFC 7143
 * 3.2.2.1), and gives hostile tests raw access: arbitrary bytes, a corrupted next digest, byte at a
 * time sends, abrupt close. Blocking; every read takes a timeout. Not thread-safe: one thread uses
 * a connection at a time.
 */
public final class Connection implements AutoCloseable {
    /** PDUs read but not yet claimed by whoever waits (bounded: a flood is a protocol error). */
    private static final int STASH_LIMIT = 4096;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Crc32c crc = new Crc32c();
    private final Deque<Pdu> stash = new ArrayDeque<>();
    private final int cid;
    private boolean headerDigest;
    private boolean dataDigest;
    private boolean corruptHeaderDigest;
    private boolean corruptDataDigest;
    private int receiveLimit = 8192;
    private int sendLimit = 8192;
    private int expStatSn;
    private boolean statSnKnown;

    private Connection(Socket socket, int cid) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.cid = cid;
    }

    /** Opens a TCP connection (TCP_NODELAY) within {@code timeout}; no login yet. */
    public static Connection open(InetSocketAddress target, int cid, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(target, millis(timeout));
            return new Connection(s, cid);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    public int cid() {
        return cid;
    }

    public Socket socket() {
        return socket;
    }

    /** Turns digests on or off for both directions (after login, from the negotiated values). */
    public void digests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    public boolean headerDigest() {
        return headerDigest;
    }

    public boolean dataDigest() {
        return dataDigest;
    }

    /** The largest data segment accepted from the target (what this side declared, RFC 7143 13.12). */
    public void receiveLimit(int bytes) {
        this.receiveLimit = bytes;
    }

    /** The largest data segment the target accepts (its declared MaxRecvDataSegmentLength). */
    public int sendLimit() {
        return sendLimit;
    }

    public void sendLimit(int bytes) {
        this.sendLimit = bytes;
    }

    /** StatSN + 1 of the last status-carrying PDU received on this connection (RFC 7143 3.2.2.2). */
    public int expStatSn() {
        return expStatSn;
    }

    /** The next PDU sent goes with a header digest off by one bit (only when HeaderDigest is on). */
    public void corruptNextHeaderDigest() {
        corruptHeaderDigest = true;
    }

    /** The next PDU with data goes with a data digest off by one bit (only when DataDigest is on). */
    public void corruptNextDataDigest() {
        corruptDataDigest = true;
    }

    // ---- sending ----

    /** Frames and sends one PDU: lengths (unless kept), AHS, digests and padding. */
    public void send(Pdu pdu) throws IOException {
        byte[] bytes = frame(pdu);
        out.write(bytes);
        out.flush();
    }

    /** The bytes {@link #send} would write (consumes a pending digest corruption). */
    public byte[] frame(Pdu pdu) {
        byte[] bhs = pdu.bhs();
        byte[] ahs = pdu.ahs();
        byte[] data = pdu.data();
        if (!pdu.keepsLengths()) {
            bhs[4] = (byte) ((ahs.length + 3) / 4);
            pdu.u24(5, data.length);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream(Pdu.BHS + ahs.length + data.length + 16);
        b.write(bhs, 0, bhs.length);
        b.write(ahs, 0, ahs.length);
        int ahsPad = -ahs.length & 3;
        b.write(new byte[ahsPad], 0, ahsPad);
        if (headerDigest) {
            int d = crc.reset().update(bhs, 0, bhs.length).update(ahs, 0, ahs.length).pad(ahs.length).value();
            if (corruptHeaderDigest) {
                d ^= 1;
                corruptHeaderDigest = false;
            }
            writeIntLe(b, d);
        }
        if (data.length > 0) {
            b.write(data, 0, data.length);
            int pad = -data.length & 3;
            b.write(new byte[pad], 0, pad);
            if (dataDigest) {
                int d = crc.reset().update(data, 0, data.length).pad(data.length).value();
                if (corruptDataDigest) {
                    d ^= 1;
                    corruptDataDigest = false;
                }
                writeIntLe(b, d);
            }
        }
        return b.toByteArray();
    }

    /** Writes arbitrary bytes as they are. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Writes {@code bytes} one at a time, waiting up to {@code gap} for the target to close between
     * bytes (a slowloris client). Returns how many bytes were written before the target closed the
     * connection, or {@code bytes.length} if it never did.
     */
    public int sendTrickling(byte[] bytes, Duration gap) throws IOException {
        int previous = socket.getSoTimeout();
        socket.setSoTimeout(Math.max(1, millis(gap)));
        try {
            for (int i = 0; i < bytes.length; i++) {
                try {
                    out.write(bytes[i]);
                    out.flush();
                } catch (SocketException closed) {
                    return i;
                }
                try {
                    if (in.read() < 0) {
                        return i + 1;
                    }
                    throw new IOException("unexpected byte from the target while trickling");
                } catch (SocketTimeoutException stillOpen) {
                    // the gap passed with the connection open: next byte
                } catch (SocketException reset) {
                    return i + 1;
                }
            }
            return bytes.length;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(previous);
            }
        }
    }

    // ---- receiving ----

    /** The next PDU from the stash or the socket; {@link SocketTimeoutException} after {@code timeout}. */
    public Pdu read(Duration timeout) throws IOException {
        Pdu p = stash.pollFirst();
        return p != null ? p : readFromSocket(timeout);
    }

    /**
     * The first PDU matching {@code wanted} (stashed ones first); others read meanwhile are stashed
     * for later callers, in order.
     */
    public Pdu await(Predicate<Pdu> wanted, long deadlineNanos) throws IOException {
        for (Iterator<Pdu> it = stash.iterator(); it.hasNext(); ) {
            Pdu p = it.next();
            if (wanted.test(p)) {
                it.remove();
                return p;
            }
        }
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no awaited PDU before the deadline");
            }
            Pdu p = readFromSocket(Duration.ofNanos(left));
            if (wanted.test(p)) {
                return p;
            }
            stash(p);
        }
    }

    /** Puts a PDU back for a later {@link #read} or {@link #await}. */
    public void stash(Pdu p) throws IOException {
        if (stash.size() >= STASH_LIMIT) {
            throw new IOException("more than " + STASH_LIMIT + " unclaimed PDUs from the target");
        }
        stash.addLast(p);
    }

    private Pdu readFromSocket(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.max(1, millis(timeout)));
        byte[] bhs = readFully(Pdu.BHS);
        int ahsLength = (bhs[4] & 0xff) * 4;
        byte[] ahs = readFully(ahsLength);
        if (headerDigest) {
            int expected = crc.reset().update(bhs, 0, bhs.length).update(ahs, 0, ahs.length).value();
            if (readIntLe() != expected) {
                throw new DigestException("header digest mismatch on a PDU from the target");
            }
        }
        Pdu pdu = new Pdu(bhs, ahs, null);
        int dsl = pdu.dataSegmentLength();
        if (dsl > receiveLimit) {
            throw new ProtocolException("target sent a " + dsl + "-byte data segment, limit " + receiveLimit + ": " + pdu);
        }
        if (dsl > 0) {
            byte[] data = readFully(dsl);
            readFully(-dsl & 3);
            if (dataDigest) {
                int expected = crc.reset().update(data, 0, dsl).pad(dsl).value();
                if (readIntLe() != expected) {
                    throw new DigestException("data digest mismatch on a PDU from the target: " + pdu);
                }
            }
            pdu.data(data);
        }
        track(pdu);
        return pdu;
    }

    /** RFC 7143 3.2.2.2: ExpStatSN follows every PDU that carries a status. */
    private void track(Pdu p) {
        boolean carriesStatus = switch (p.opcode()) {
            case Opcode.SCSI_RESPONSE, Opcode.TASK_MGMT_RESPONSE, Opcode.LOGIN_RESPONSE, Opcode.TEXT_RESPONSE,
                 Opcode.LOGOUT_RESPONSE, Opcode.REJECT, Opcode.ASYNC_MESSAGE -> true;
            case Opcode.DATA_IN -> (p.flags() & 0x01) != 0;
            case Opcode.NOP_IN -> p.itt() != Pdu.NO_TAG;
            default -> false;
        };
        if (carriesStatus && (!statSnKnown || p.statSn() + 1 - expStatSn > 0)) {
            expStatSn = p.statSn() + 1;
            statSnKnown = true;
        }
    }

    /**
     * Reads and discards PDUs until the target closes the connection (true) or {@code within}
     * passes with it still open (false).
     */
    public boolean closedByTargetWithin(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        stash.clear();
        byte[] sink = new byte[4096];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout(Math.max(1, (int) Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException open) {
                return false;
            } catch (SocketException reset) {
                return true;
            }
        }
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                throw new EOFException("connection closed by the target");
            }
            got += r;
        }
        return b;
    }

    private int readIntLe() throws IOException {
        byte[] b = readFully(4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private static void writeIntLe(ByteArrayOutputStream b, int v) {
        b.write(v);
        b.write(v >>> 8);
        b.write(v >>> 16);
        b.write(v >>> 24);
    }

    static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    /** Closes abruptly: a TCP RST instead of a FIN (SO_LINGER 0). */
    public void kill() throws IOException {
        if (!socket.isClosed()) {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A digest of a received PDU did not match. */
    public static final class DigestException extends IOException {
        public DigestException(String message) {
            super(message);
        }
    }

    /** The target broke the protocol (or answered what the caller did not expect). */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }
}
