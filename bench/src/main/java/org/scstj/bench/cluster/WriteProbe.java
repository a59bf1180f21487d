package org.scstj.bench.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

/**
 * One initiator path to the failover LU through one node (the project's iSCSI initiator, one
 * session): sends one WRITE(10) of one block at a time and says what came back. A connection
 * that fails is dropped and logged in again on the next write, as an initiator's recovery would.
 */
final class WriteProbe implements AutoCloseable {
    /** The initiator name of the probes (one I_T nexus per node's port). */
    static final String INITIATOR = "iqn.2026-12.org.scstj:bench-cluster-probe";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** What one WRITE ended with. */
    sealed interface Outcome permits Good, Retry, Refused {
    }

    /** GOOD status. */
    record Good() implements Outcome {
    }

    /**
     * Worth retrying as Linux does: ALUA transitioning (02/04/0A) or standby (02/04/0B) (SPC-5
     * 5.16.2.4), a unit attention, BUSY or TASK SET FULL, a failed login or connection.
     *
     * @param what the sense ("02/04/0B"), status or error
     */
    record Retry(String what) implements Outcome {
    }

    /**
     * Any other CHECK CONDITION: the benchmark stops rather than count it.
     *
     * @param what the sense
     */
    record Refused(String what) implements Outcome {
    }

    final BenchDaemon daemon;
    private final byte[] block = new byte[ClusterConfig.BLOCK_SIZE];
    private Session session;

    WriteProbe(BenchDaemon daemon) {
        this.daemon = daemon;
    }

    /** WRITE(10) of one block at {@code lba} of the failover LU (SBC-4 5.35), data stamped with {@code stamp}. */
    Outcome write(long lba, int stamp) {
        if (session == null) {
            try {
                session = Session.open(new InetSocketAddress(daemon.host, daemon.port),
                        LoginSpec.normal(INITIATOR, ClusterConfig.IQN), TIMEOUT);
            } catch (IOException e) {
                return new Retry("login: " + e.getClass().getSimpleName());
            }
        }
        block[0] = (byte) (stamp >> 24);
        block[1] = (byte) (stamp >> 16);
        block[2] = (byte) (stamp >> 8);
        block[3] = (byte) stamp;
        try {
            return outcome(session.scsiWrite(ClusterConfig.FAILOVER_LUN, Cdbs.write10(lba, 1), block, TIMEOUT));
        } catch (IOException e) {
            close();
            return new Retry("connection: " + e.getClass().getSimpleName());
        }
    }

    /** Classifies a command's result. */
    static Outcome outcome(ScsiResult r) {
        if (r.good()) {
            return new Good();
        }
        if (r.status() != ScsiResult.CHECK_CONDITION) {
            String status = String.format("status %02X", r.status());
            return r.status() == 0x08 || r.status() == 0x28 ? new Retry(status) : new Refused(status);
        }
        String sense = String.format("%02X/%02X/%02X", r.senseKey(), r.asc(), r.ascq());
        boolean alua = r.senseKey() == 0x02 && r.asc() == 0x04 && (r.ascq() == 0x0A || r.ascq() == 0x0B);
        boolean unitAttention = r.senseKey() == 0x06;
        return alua || unitAttention ? new Retry(sense) : new Refused(sense);
    }

    /** Logs out quietly (or just drops a broken connection). */
    @Override
    public void close() {
        Session s = session;
        session = null;
        if (s != null) {
            try {
                s.close();
            } catch (Exception ignored) {
                // the connection is gone either way
            }
        }
    }
}
