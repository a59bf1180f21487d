package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.Connection;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Pdu;
import org.scstj.transports.iscsi.initiator.Pdus;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;
import org.scstj.transports.iscsi.initiator.Task;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Error recovery end to end over 127.0.0.1 (docs/recovery.md, docs/iscsi.md): the project's
 * initiator against the in-process driver and a RAM disk. ERL 1: a Data-Out with a bad data digest
 * is rejected and asked for again with a recovery R2T (RFC 7143 7.1.4.1, 7.8); a lost Data-In comes
 * again for a Data SNACK, a status for a Status SNACK, DataACK releases (11.16). ERL 2: a connection
 * dies in the middle of a read or after a write's status; TASK REASSIGN on the new connection brings
 * the rest (7.2, 11.5.1). Every byte read back is compared with what was written.
 */
class ErrorRecoveryOverTcpTest {
    private static final String INITIATOR = "iqn.2026-11.test:erl";
    private static final Duration T = Duration.ofSeconds(10);
    private static final int BLOCK = RamDiskCore.BLOCK;
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private RamDiskCore core;
    private IscsiTargetDriver driver;
    private InetSocketAddress address;

    private void start(int erl) throws Exception {
        core = new RamDiskCore(512, coreThread);
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:0\"], negotiation.max-connections = 2, negotiation.error-recovery-level = " + erl
                        + ", negotiation.max-recv-data-segment-length = 4096, negotiation.default-time2wait = 0")));
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        address = driver.boundAddresses().getFirst();
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        coreThread.shutdownNow();
    }

    private Session open(int erl, String... keys) throws IOException {
        LoginSpec spec = LoginSpec.normal(INITIATOR, RamDiskCore.TARGET).key("ErrorRecoveryLevel", Integer.toString(erl))
                .key("MaxConnections", "2").key("InitialR2T", "Yes").key("ImmediateData", "No")
                .key("MaxRecvDataSegmentLength", "4096");
        for (int i = 0; i < keys.length; i += 2) {
            spec.key(keys[i], keys[i + 1]);
        }
        Session s = Session.open(address, spec, T);
        assertEquals(erl, s.negotiated().errorRecoveryLevel());
        return s;
    }

    private static byte[] pattern(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int rejectReason(Pdu reject) {
        return reject.u8(2);
    }

    // ---- ERL 1 ----

    @Test
    void erl1_aDataOutWithABadDataDigest_isRejectedAndAskedForAgain_theWriteEndsGoodAndReadsBack() throws Exception {
        start(1);
        try (Session s = open(1, "DataDigest", "CRC32C")) {
            assertTrue(s.negotiated().dataDigest());
            byte[] data = pattern(64 * BLOCK, 11);
            Connection c = s.connection(0);
            c.corruptNextDataDigest(); // the first Data-Out (no immediate data)
            ScsiResult w = s.scsi(c, 0, Cdbs.write10(8, 64), data, 0, T);
            assertTrue(w.good(), w.toString());
            assertEquals(1, w.rejects().size());
            assertEquals(0x02, rejectReason(w.rejects().getFirst())); // Data (payload) Digest Error (11.17.1)
            assertArrayEquals(data, Arrays.copyOfRange(core.disk, 8 * BLOCK, 72 * BLOCK));
            ScsiResult r = s.scsi(c, 0, Cdbs.read10(8, 64), null, data.length, T);
            assertArrayEquals(data, r.data());
        }
    }

    @Test
    void erl1_aDroppedDataIn_comesAgainForADataSnack_theStatusForAStatusSnack_andDataAckReleases() throws Exception {
        start(1);
        try (Session s = open(1, "MaxBurstLength", "8192")) {
            byte[] data = pattern(64 * BLOCK, 12); // 4 bursts of 2 Data-In of 4096
            assertTrue(s.scsiWrite(0, Cdbs.write10(0, 64), data, T).good());
            Connection c = s.connection(0);
            int acknowledged = c.expStatSn();
            int itt = s.newItt();
            c.send(Pdus.scsiCommand(itt, Pdus.lun(0), Cdbs.read10(0, 64), true, false, data.length,
                    s.takeCmdSn(false), acknowledged, true));
            long deadline = System.nanoTime() + T.toNanos();
            byte[] in = new byte[data.length];
            Pdu status = null;
            Pdu askedAck = null;
            for (int n = 0; n < 8; n++) {
                Pdu p = s.awaitTask(c, itt, deadline);
                assertEquals(Opcode.DATA_IN, p.opcode());
                assertEquals(n, p.i32(36));
                if ((p.flags() & 0x40) != 0 && askedAck == null) {
                    askedAck = p; // A bit (11.7.2): the end of the first MaxBurstLength sequence, DataSN 1
                }
                if (n != 2) { // DataSN 2 is "lost"
                    System.arraycopy(p.data(), 0, in, p.i32(40), p.data().length);
                }
                if ((p.flags() & 0x01) != 0) {
                    status = p;
                }
            }
            assertTrue(status != null && askedAck != null);
            assertEquals(1, askedAck.i32(36));
            int statSn = status.statSn();
            // the SNACKs carry the old ExpStatSN: the status is not acknowledged yet (4.2.2.2)
            c.send(Pdus.snack(0, itt, Pdus.lun(0), Pdu.NO_TAG, statSn, 2, 1)); // Data SNACK for DataSN 2
            Pdu again = s.awaitTask(c, itt, deadline);
            assertEquals(Opcode.DATA_IN, again.opcode());
            assertEquals(2, again.i32(36));
            System.arraycopy(again.data(), 0, in, again.i32(40), again.data().length);
            assertArrayEquals(data, in);

            c.send(Pdus.snack(1, Pdu.NO_TAG, 0, Pdu.NO_TAG, statSn, statSn, 1)); // Status SNACK
            Pdu statusAgain = s.awaitTask(c, itt, deadline);
            assertEquals(Opcode.DATA_IN, statusAgain.opcode());
            assertEquals(statSn, statusAgain.statSn());
            assertEquals(0x01, statusAgain.flags() & 0x01);

            // DataACK (type 2) with the A-bit PDU's TTT: DataSN 0 and 1 are released, a SNACK for them is refused
            c.send(Pdus.snack(2, itt, Pdus.lun(0), askedAck.ttt(), statSn, 2, 0));
            c.send(Pdus.snack(0, itt, Pdus.lun(0), Pdu.NO_TAG, statSn, 1, 1));
            Pdu refused = s.awaitTask(c, itt, deadline);
            assertEquals(Opcode.REJECT, refused.opcode());
            assertEquals(0x04, rejectReason(refused)); // Protocol Error: already acknowledged (11.16)
            c.send(Pdus.snack(0, itt, Pdus.lun(0), Pdu.NO_TAG, statSn, 3, 1)); // what is not acknowledged stays
            assertEquals(3, s.awaitTask(c, itt, deadline).i32(36));

            // the status acknowledged by ExpStatSN: the read's retention ends, a SNACK for it is refused
            s.ping(c, new byte[0], T);
            c.send(Pdus.snack(0, itt, Pdus.lun(0), Pdu.NO_TAG, c.expStatSn(), 3, 1));
            Pdu gone = s.awaitTask(c, itt, deadline);
            assertEquals(Opcode.REJECT, gone.opcode());
            assertEquals(0x04, rejectReason(gone));
        }
    }

    // ---- ERL 2 ----

    /**
     * RFC 7143 7.2: the initiator removes the failed connection CID 1 for recovery from the new one
     * (11.14.1 reason 2), whether or not the target noticed the failure yet (then the answer is 1,
     * "CID not found").
     */
    private static void removeForRecovery(Session s, Connection survivor, int failedCid) throws IOException {
        int response = s.logout(survivor, 2, failedCid, T).response();
        assertTrue(response == 0 || response == 1, "Logout response " + response);
    }

    @Test
    void erl2_aReadCutAfterPartOfItsData_isReassigned_theRestOfTheDataAndTheStatusArriveOnTheNewConnection()
            throws Exception {
        start(2);
        try (Session s = open(2)) {
            byte[] data = pattern(64 * BLOCK, 21); // 8 Data-In of 4096
            assertTrue(s.scsiWrite(0, Cdbs.write10(100, 64), data, T).good());
            Connection first = s.connection(0);
            Task t = s.start(first, 0, Cdbs.read10(100, 64), null, data.length);
            long deadline = System.nanoTime() + T.toNanos();
            for (int n = 0; n < 3; n++) {
                s.step(t, deadline);
            }
            assertEquals(3, t.nextDataSn());
            first.kill(); // the rest of the Data-In and the status are lost with the connection
            s.drop(first);
            Connection second = s.addConnection(2, null, T);
            removeForRecovery(s, second, 1);
            ScsiResult r = s.reassign(t, second, T); // ExpDataSN 3
            assertTrue(r.good(), r.toString());
            assertArrayEquals(data, r.data());
            assertTrue(core.closed.isEmpty());
        }
    }

    @Test
    void erl2_aWriteWhoseStatusWasLostWithTheConnection_getsItAgainAfterTaskReassign_andTheDataIsOnTheDisk()
            throws Exception {
        start(2);
        try (Session s = open(2)) {
            byte[] data = pattern(16 * BLOCK, 22);
            Connection first = s.connection(0);
            Task t = s.start(first, 0, Cdbs.write10(200, 16), data, 0);
            long deadline = System.nanoTime() + T.toNanos();
            s.step(t, deadline); // the R2T: every Data-Out goes out
            // the status is on its way: wait (bounded) until its bytes arrived, then lose them with the connection
            while (first.socket().getInputStream().available() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            assertNotEquals(0, first.socket().getInputStream().available(), "the status was sent");
            first.kill();
            s.drop(first);
            Connection again = s.reconnect(1, s.tsih(), T); // the same CID: connection reinstatement (6.3.4)
            ScsiResult w = s.reassign(t, again, T);
            assertTrue(w.good(), w.toString());
            ScsiResult back = s.scsi(again, 0, Cdbs.read10(200, 16), null, data.length, T);
            assertArrayEquals(data, back.data());
            assertEquals(1, s.taskManagement(again, Session.TASK_REASSIGN, 0, t.itt(), t.cmdSn(), 0, T),
                    "resent once; then the new connection's acknowledgement applies (task does not exist)");
        }
    }

    @Test
    void erl2_driverStop_closesASessionThatHasNoConnectionLeft() throws Exception {
        start(2);
        Session s = open(2);
        Connection only = s.connection(0);
        assertEquals(0, s.logout(only, 2, only.cid(), T).response()); // removed for recovery: the session waits
        assertTrue(core.closed.isEmpty());
        driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        driver = null;
        assertEquals(1, core.closed.size(), "closed at stop, not after Time2Retain");
        s.close();
    }
}
