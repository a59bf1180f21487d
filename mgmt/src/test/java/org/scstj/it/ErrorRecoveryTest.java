package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.Connection;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;
import org.scstj.transports.iscsi.initiator.Task;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * iSCSI error recovery against the real daemon (docs/iscsi.md, docs/recovery.md) with the
 * project's initiator, on a file-backed LU: at ErrorRecoveryLevel 2 a connection killed in the
 * middle of a 1 MiB write is removed for recovery and the write is taken over by TASK REASSIGN on
 * a second connection of the session (RFC 7143 7.2, 11.5.1), every block verified; at ERL 1 a
 * Data-Out with a bad data digest is rejected and asked for again with a recovery R2T (7.1.4.1).
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ErrorRecoveryTest {
    static final String TARGET = "iqn.2026-11.org.scstj:erl";
    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio { d { filename = "@DIR@/d.img", size = 8M } }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                negotiation.error-recovery-level = 2
                negotiation.max-connections = 2
                targets { "iqn.2026-11.org.scstj:erl" { luns { 0 = d } } }
              }
            }
            """;
    private static final Duration T = Duration.ofSeconds(30);
    private static final int BLOCK = 512;

    @TempDir
    Path dir;

    private static LoginSpec spec(String initiator, int erl) {
        return LoginSpec.normal(initiator, TARGET).key("ErrorRecoveryLevel", Integer.toString(erl))
                .key("MaxConnections", "2").key("InitialR2T", "Yes").key("ImmediateData", "No")
                .key("MaxBurstLength", "65536");
    }

    /** Reads the blocks back 128 at a time on {@code c} and compares each with what was written. */
    private static void verify(Session s, Connection c, int lba, byte[] written) throws Exception {
        int blocks = written.length / BLOCK;
        for (int at = 0; at < blocks; at += 128) {
            int n = Math.min(128, blocks - at);
            ScsiResult r = s.scsi(c, 0, Cdbs.read10(lba + at, n), null, n * BLOCK, T);
            assertTrue(r.good(), r.toString());
            for (int b = 0; b < n; b++) {
                int from = (at + b) * BLOCK;
                assertArrayEquals(Arrays.copyOfRange(written, from, from + BLOCK),
                        Arrays.copyOfRange(r.data(), b * BLOCK, (b + 1) * BLOCK), "block " + (lba + at + b));
            }
        }
    }

    @Test
    void erl2_aConnectionKilledMidWrite_isRecoveredByTaskReassign_andEveryBlockVerifies() throws Exception {
        Daemon daemon = Daemon.start(dir, TEMPLATE);
        try (Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port),
                spec("iqn.2026-11.org.example:erl2", 2), T)) {
            assertEquals(2, s.negotiated().errorRecoveryLevel());
            assertEquals(2, s.negotiated().maxConnections());
            s.scsi(0, new byte[6], 0, T); // TEST UNIT READY takes the power-on unit attention (SAM-6 5.14)
            byte[] data = new byte[1024 * 1024];
            new Random(62).nextBytes(data);
            Connection first = s.connection(0);
            Task write = s.start(first, 0, Cdbs.write10(1024, data.length / BLOCK), data, 0);
            long deadline = System.nanoTime() + T.toNanos();
            for (int r2t = 0; r2t < 5; r2t++) {
                s.step(write, deadline); // five of sixteen 64 KiB bursts asked for and sent
            }
            assertTrue(!write.done());
            first.kill(); // RST: whatever the target had not read yet is lost too
            s.drop(first);
            Connection second = s.addConnection(2, null, T);
            // RFC 7143 7.2: the failed CID is removed for recovery (1, "CID not found", if the target saw it die)
            int removed = s.logout(second, 2, 1, T).response();
            assertTrue(removed == 0 || removed == 1, "Logout response " + removed);
            ScsiResult w = s.reassign(write, second, T);
            assertTrue(w.good(), w.toString());
            verify(s, second, 1024, data);
            assertEquals(0, s.logout(T).response());
            daemon.stopCleanly(); // exit status 0, no buffer leak reported
        } finally {
            daemon.close();
        }
    }

    @Test
    void erl1_aDataDigestErrorOnAWrite_isRecoveredByARecoveryR2t_andEveryBlockVerifies() throws Exception {
        Daemon daemon = Daemon.start(dir, TEMPLATE);
        try (Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port),
                spec("iqn.2026-11.org.example:erl1", 1).key("DataDigest", "CRC32C"), T)) {
            assertEquals(1, s.negotiated().errorRecoveryLevel());
            assertTrue(s.negotiated().dataDigest());
            s.scsi(0, new byte[6], 0, T);
            byte[] data = new byte[256 * 1024];
            new Random(61).nextBytes(data);
            Connection c = s.connection(0);
            c.corruptNextDataDigest(); // the first Data-Out of the first burst
            ScsiResult w = s.scsi(c, 0, Cdbs.write10(0, data.length / BLOCK), data, 0, T);
            assertTrue(w.good(), w.toString());
            assertEquals(1, w.rejects().size());
            assertEquals(0x02, w.rejects().getFirst().u8(2)); // Reject: Data (payload) Digest Error (11.17.1)
            verify(s, c, 0, data);
            assertEquals(0, s.logout(T).response());
            daemon.stopCleanly(); // exit status 0, no buffer leak reported
        } finally {
            daemon.close();
        }
    }
}
