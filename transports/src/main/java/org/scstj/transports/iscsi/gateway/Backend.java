package org.scstj.transports.iscsi.gateway;

import org.scstj.transports.iscsi.initiator.Chap;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Pdu;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One logged-in session with the remote target (RFC 7143 3.2.2): the full feature phase of the
 * backend, from a completed login to its close. {@link GatewayDevice} owns the lifecycle around it
 * (when to log in, what a loss means); this class only talks. Blocking and not thread-safe: one
 * thread, the device's worker, uses it (the initiator's {@code Connection} rule).
 */
final class Backend implements AutoCloseable {
    /** SPC-5 6.7 INQUIRY: the standard data asked for (36 bytes are mandatory, the rest vendor-specific). */
    static final int INQUIRY_LENGTH = 96;
    /** RFC 7143 11.5.1 Task Management function 5: LOGICAL UNIT RESET (SAM-5 7.7). */
    static final int LOGICAL_UNIT_RESET = 5;
    /** Unit attentions a fresh session may meet one after another (power on, nexus loss, changes). */
    private static final int DRAIN_ATTEMPTS = 8;
    private static final int UNIT_ATTENTION = 0x6;
    private static final Duration LOGOUT_TIMEOUT = Duration.ofSeconds(2);

    private final Session session;
    private final int lun;
    private final Duration timeout;

    private Backend(Session session, int lun, Duration timeout) {
        this.session = session;
        this.lun = lun;
        this.timeout = timeout;
    }

    /**
     * The login spec of device {@code s}, made once per device: each login after a loss sends the
     * same ISID with TSIH 0, which the target takes as session reinstatement (RFC 7143 6.3.5) and so
     * drops what it still held of the lost session.
     */
    static LoginSpec spec(GatewaySettings s) {
        LoginSpec spec = LoginSpec.normal(s.initiatorName(), s.target());
        if (s.chapUser() != null) {
            spec.chap(Chap.oneWay(s.chapUser(), s.chapSecret()));
        }
        return spec;
    }

    /** Connects (the portal's name resolved now, so a moved address is found again) and logs in. */
    static Backend login(GatewaySettings s, LoginSpec spec) throws IOException {
        InetSocketAddress portal = new InetSocketAddress(s.portal().getHostString(), s.portal().getPort());
        if (portal.isUnresolved()) {
            throw new IOException("portal " + s.portal().getHostString() + ": unknown host");
        }
        return new Backend(Session.open(portal, spec, s.loginTimeout()), s.lun(), s.timeout());
    }

    /** One command (RFC 7143 11.3): Data-Out from {@code dataOut} (or null), up to {@code expectedIn} bytes in. */
    ScsiResult execute(byte[] cdb, byte[] dataOut, int expectedIn) throws IOException {
        return session.scsi(session.connection(0), lun, cdb, dataOut, expectedIn, timeout);
    }

    /** SPC-5 6.7.2 standard INQUIRY data (SPC-5 5.14: INQUIRY reports no unit attention). */
    byte[] inquiry() throws IOException {
        ScsiResult r = execute(new byte[] {0x12, 0, 0, 0, (byte) INQUIRY_LENGTH, 0}, null, INQUIRY_LENGTH);
        if (!r.good() || r.received() < 5) {
            throw new IOException("INQUIRY failed: " + r);
        }
        return java.util.Arrays.copyOf(r.data(), INQUIRY_LENGTH);
    }

    /**
     * Takes the unit attentions the remote LU holds for this new I_T nexus (a power on, the lost
     * session's nexus loss; SAM-5 5.14) with TEST UNIT READY (SPC-5 6.47) until it reports none; the
     * sense data of the first one, or null when there was none.
     */
    byte[] drainUnitAttentions() throws IOException {
        byte[] first = null;
        for (int i = 0; i < DRAIN_ATTEMPTS; i++) {
            ScsiResult r = execute(new byte[6], null, 0);
            if (r.status() != ScsiResult.CHECK_CONDITION || r.senseKey() != UNIT_ATTENTION) {
                break;
            }
            if (first == null) {
                first = r.sense();
            }
        }
        return first;
    }

    /** SBC-4 5.20 READ CAPACITY(10): {blocks, block size}, or null without a medium or a good answer. */
    long[] capacity() throws IOException {
        ScsiResult r = execute(new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 8);
        if (!r.good() || r.received() < 8) {
            return null;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.data());
        return new long[] {(b.getInt(0) & 0xFFFF_FFFFL) + 1, b.getInt(4)};
    }

    /** SAM-5 7.7 LOGICAL UNIT RESET as a task management request (RFC 7143 11.5); its response code. */
    int lunReset() throws IOException {
        return session.taskManagement(session.connection(0), LOGICAL_UNIT_RESET, lun, Pdu.NO_TAG, session.cmdSn(), 0,
                timeout);
    }

    /** A NOP-Out ping (RFC 7143 11.18): the session still answers. */
    void ping(Duration within) throws IOException {
        session.ping(session.connection(0), new byte[0], within);
    }

    /** Logs out (RFC 7143 11.14, bounded) and closes: the device is going away. */
    void logout() {
        try {
            session.logout(LOGOUT_TIMEOUT);
        } catch (IOException | RuntimeException ignored) {
            // the connection is closed below either way; the target cleans up on its own
        }
        close();
    }

    /** Closes the connection without a logout: the session is lost or broken. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (IOException ignored) {
            // nothing more to do with a broken socket
        }
    }
}
