package org.scstj.transports.iscsi.conn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.RamDiskCore;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.command;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.dataOut;

/** ErrorRecoveryLevel 2, connection recovery (RFC 7143 7.2, 11.5.1 TASK REASSIGN, 11.14.1 reason 2, 13.16 Time2Retain). */
class ConnectionRecoveryTest {
    private static final int F = 0x80;
    private static final int W = 0x20;
    private static final int REASSIGN = 8;
    private final ConnectionHarness h1 = new ConnectionHarness(
            "negotiation.max-connections = 4, negotiation.error-recovery-level = 2, negotiation.default-time2retain = 20");
    private final List<ConnectionHarness> others = new ArrayList<>();

    @AfterEach
    void tearDown() {
        others.forEach(ConnectionHarness::close);
        h1.close();
    }

    /** h1 opens an ERL 2 session (CID 1), solicited writes only; returns the TSIH. */
    private int openSession() {
        ReceivedPdu r = h1.login(0, 1, "MaxConnections=4", "ErrorRecoveryLevel=2", "InitialR2T=Yes",
                "ImmediateData=No");
        assertEquals(0, r.loginStatus());
        assertTrue(r.pairs().contains("ErrorRecoveryLevel=2"), r.pairs().toString());
        return r.u16(14);
    }

    private ConnectionHarness join(int tsih, int cid) {
        ConnectionHarness h = new ConnectionHarness(h1.core, null, h1.context);
        others.add(h);
        assertEquals(0, h.login(tsih, cid).loginStatus());
        return h;
    }

    private static PduBuilder reassign(int itt, int cmdSn, int referenced) {
        return PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | REASSIGN).itt(itt).i32(20, referenced)
                .cmdSn(cmdSn).i32(32, 1);
    }

    private static int[] write10(int lba, int blocks) {
        return new int[]{0x2a, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void aWriteCutByConnectionLoss_resumesWithARecoveryR2tForTheRest_afterTaskReassign() {
        int tsih = openSession();
        h1.send(command(1, 1, F | W, 1024, write10(4, 2)));
        ReceivedPdu r2t = h1.one();
        assertEquals(Opcode.R2T, r2t.opcode());
        assertEquals(1024, r2t.i32(44));
        h1.send(dataOut(1, r2t.i32(20), 0, false, filled(512, 0x11)));
        h1.channel.close(); // the connection fails half way through the burst
        assertTrue(h1.core.closed.isEmpty());
        assertTrue(h1.core.tmfs.isEmpty(), "nothing aborted at ERL 2");

        ConnectionHarness h2 = join(tsih, 2);
        h2.send(reassign(20, 2, 1));
        List<ReceivedPdu> got = h2.received();
        assertEquals(2, got.size());
        assertEquals(Opcode.TASK_MGMT_RESPONSE, got.get(0).opcode());
        assertEquals(0, got.get(0).u8(2));
        ReceivedPdu again = got.get(1);
        assertEquals(Opcode.R2T, again.opcode());
        assertEquals(1, again.itt());
        assertEquals(512, again.i32(40)); // the recovery R2T asks only for what did not arrive
        assertEquals(512, again.i32(44));
        h2.send(dataOut(1, again.i32(20), 512, true, filled(512, 0x22)));
        ReceivedPdu status = h2.one();
        assertEquals(Opcode.SCSI_RESPONSE, status.opcode());
        assertEquals(0, status.u8(3));
        byte[] expected = new byte[1024];
        Arrays.fill(expected, 0, 512, (byte) 0x11);
        Arrays.fill(expected, 512, 1024, (byte) 0x22);
        assertArrayEquals(expected, Arrays.copyOfRange(h1.core.disk, 4 * 512, 6 * 512));
    }

    @Test
    void aTaskCompletedWhileItHadNoConnection_sendsItsStatusOnTheNewOne() {
        int tsih = openSession();
        h1.core.autoRun = false;
        h1.send(command(3, 1, F, 0, 0));
        h1.channel.close();
        h1.core.execute(h1.core.submitted.getFirst()); // completes with nowhere to answer: held
        ConnectionHarness h2 = join(tsih, 1); // the same CID again
        h2.send(reassign(21, 2, 3));
        List<ReceivedPdu> got = h2.received();
        assertEquals(2, got.size());
        assertEquals(0, got.get(0).u8(2));
        assertEquals(Opcode.SCSI_RESPONSE, got.get(1).opcode());
        assertEquals(3, got.get(1).itt());
    }

    @Test
    void aRunningTask_answersOnTheConnectionItWasReassignedTo() {
        int tsih = openSession();
        h1.core.autoRun = false;
        h1.send(command(3, 1, F, 0, 0));
        h1.channel.close();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(reassign(21, 2, 3));
        assertEquals(0, h2.one().u8(2));
        h1.core.execute(h1.core.submitted.getFirst());
        ReceivedPdu r = h2.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(3, r.itt());
    }

    @Test
    void reassigningATaskWhoseConnectionLives_isTaskStillAllegiant() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h1.core.autoRun = false;
        h1.send(command(3, 1, F, 0, 0));
        h2.send(reassign(21, 2, 3));
        assertEquals(3, h2.one().u8(2));
        h2.send(reassign(22, 2, 99));
        assertEquals(1, h2.one().u8(2)); // task does not exist
    }

    @Test
    void logoutReason2_removesAConnectionForRecovery_withTime2WaitAndTime2Retain() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h1.core.autoRun = false;
        h1.send(command(3, 1, F, 0, 0));
        h2.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(F | 2).itt(9).cmdSn(2).u16(20, 1));
        ReceivedPdu r = h2.one();
        assertEquals(Opcode.LOGOUT_RESPONSE, r.opcode());
        assertEquals(0, r.u8(2));
        assertEquals(2, r.u16(40)); // Time2Wait
        assertEquals(20, r.u16(42)); // Time2Retain
        assertFalse(h1.open());
        h2.send(reassign(21, 2, 3));
        assertEquals(0, h2.one().u8(2));
    }

    @Test
    void theLastConnectionLost_keepsTheSession_aNewConnectionJoinsAndTakesTheTaskOver() {
        // (the Time2Retain expiry is in MultiConnectionSessionTest: an EmbeddedChannel cancels its timers on close)
        int tsih = openSession();
        h1.core.autoRun = false;
        h1.send(command(3, 1, F, 0, 0));
        h1.channel.close();
        assertTrue(h1.core.closed.isEmpty());
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(reassign(21, 2, 3));
        assertEquals(0, h2.one().u8(2));
        h2.send(command(4, 2, F, 0, 0)); // the CmdSN window went on where it was
        h1.core.submitted.forEach(h1.core::execute);
        List<ReceivedPdu> got = h2.received();
        assertEquals(List.of(3, 4), got.stream().map(ReceivedPdu::itt).sorted().toList());
    }

    @Test
    void logoutReason2_ofTheOnlyConnection_keepsTheSessionForRecovery() {
        int tsih = openSession();
        h1.core.autoRun = false;
        h1.send(command(3, 1, F, 0, 0));
        h1.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(F | 2).itt(9).cmdSn(2).u16(20, 1));
        assertEquals(0, h1.one().u8(2));
        assertFalse(h1.open());
        assertTrue(h1.core.closed.isEmpty());
        ConnectionHarness h2 = join(tsih, 1);
        h2.send(reassign(21, 2, 3));
        assertEquals(0, h2.one().u8(2));
    }

    @Test
    void reinstatingASessionInRetention_closesItFirst() {
        openSession();
        h1.core.autoRun = false;
        h1.send(command(3, 1, F, 0, 0));
        h1.channel.close();
        ConnectionHarness fresh = new ConnectionHarness(h1.core, null, h1.context);
        others.add(fresh);
        assertEquals(0, fresh.login(0, 1).loginStatus());
        assertEquals(1, h1.core.closed.size());
        assertEquals(2, h1.core.opened.size());
    }

    // ---- statuses sent on the failed connection but not acknowledged (RFC 7143 11.5.1, 7.2) ----

    private static final int R = 0x40;

    private static int[] read10(int lba, int blocks) {
        return new int[]{0x28, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    private static PduBuilder reassign(int itt, int cmdSn, int referenced, int expDataSn) {
        return reassign(itt, cmdSn, referenced).i32(36, expDataSn);
    }

    private ConnectionHarness join(int tsih, int cid, String... operational) {
        ConnectionHarness h = new ConnectionHarness(h1.core, null, h1.context);
        others.add(h);
        assertEquals(0, h.login(tsih, cid, operational).loginStatus());
        return h;
    }

    /**
     * The buffer of the core's last read. The Data-In PDUs are slices of it, so its refCnt stays
     * above 0 while anything (a connection's retention, the session's status kept for TASK
     * REASSIGN) still holds one of them.
     */
    private io.netty.buffer.ByteBuf lastRead() {
        return ((PooledDataBuffer) h1.core.lastRead).byteBuf();
    }

    @Test
    void aReadWhoseStatusWasLostWithTheConnection_resendsTheDataFromExpDataSnThenTheStatus_onTheNewConnection() {
        ReceivedPdu login = h1.login(0, 1, "MaxConnections=4", "ErrorRecoveryLevel=2", "MaxRecvDataSegmentLength=1024");
        assertEquals(0, login.loginStatus());
        int tsih = login.u16(14);
        for (int i = 0; i < 4096; i++) {
            h1.core.disk[8 * 512 + i] = (byte) (i * 7 + 3);
        }
        h1.send(command(5, 1, F | R, 4096, read10(8, 8)));
        List<ReceivedPdu> first = h1.received();
        assertEquals(4, first.size()); // 4 Data-In of 1024, the last with S (phase collapse)
        assertEquals(0x81, first.get(3).flags() & 0x81);
        var buffer = lastRead();
        h1.channel.close(); // the initiator took DataSN 0 and 1 only; the rest and the status are lost
        assertTrue(buffer.refCnt() > 0, "the session keeps the status and its Data-In for TASK REASSIGN");

        ConnectionHarness h2 = join(tsih, 2, "MaxRecvDataSegmentLength=512"); // smaller: resegmented
        h2.send(reassign(30, 2, 5, 2));
        List<ReceivedPdu> got = h2.received();
        assertEquals(Opcode.TASK_MGMT_RESPONSE, got.getFirst().opcode());
        assertEquals(0, got.getFirst().u8(2));
        assertEquals(6, got.size(), got.toString()); // response, 4 Data-In of 512, SCSI Response
        byte[] rest = new byte[2048];
        for (int i = 0; i < 4; i++) {
            ReceivedPdu d = got.get(1 + i);
            assertEquals(Opcode.DATA_IN, d.opcode());
            assertEquals(5, d.itt());
            assertEquals(2 + i, d.i32(36)); // DataSN from the request's ExpDataSN on
            assertEquals(2048 + 512 * i, d.i32(40)); // BufferOffset
            assertEquals(0, d.flags() & 0x01, "no status in the resent data");
            System.arraycopy(d.data(), 0, rest, 512 * i, 512);
        }
        assertEquals(0x80, got.get(4).flags() & 0x80); // F on the last
        assertArrayEquals(Arrays.copyOfRange(h1.core.disk, 8 * 512 + 2048, 8 * 512 + 4096), rest);
        ReceivedPdu status = got.get(5);
        assertEquals(Opcode.SCSI_RESPONSE, status.opcode());
        assertEquals(5, status.itt());
        assertEquals(0, status.u8(3)); // GOOD
        assertEquals(got.getFirst().statSn() + 1, status.statSn()); // the new connection's StatSN
        assertEquals(6, status.i32(36)); // ExpDataSN: the Data-In count so far
        assertTrue(buffer.refCnt() > 0, "the new connection keeps its Data-In until its status is acknowledged");
        h2.send(PduBuilder.immediate(Opcode.NOP_OUT).flags(F).itt(0xffffffff).i32(20, 0xffffffff).cmdSn(3)
                .i32(28, status.statSn() + 1));
        h2.received();
        assertEquals(0, buffer.refCnt(), "every retained slice released: the session gave its status up at TASK REASSIGN");
    }

    @Test
    void aWriteWhoseStatusWasLostWithTheConnection_getsItsStatusAgain_withTheNewStatSn() {
        int tsih = openSession();
        h1.send(command(6, 1, F | W, 512, write10(2, 1)));
        ReceivedPdu r2t = h1.one();
        h1.send(dataOut(6, r2t.i32(20), 0, true, filled(512, 0x5a)));
        ReceivedPdu lost = h1.one();
        assertEquals(Opcode.SCSI_RESPONSE, lost.opcode());
        h1.channel.close();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(reassign(31, 2, 6, 0));
        List<ReceivedPdu> got = h2.received();
        assertEquals(2, got.size());
        assertEquals(0, got.get(0).u8(2));
        ReceivedPdu again = got.get(1);
        assertEquals(Opcode.SCSI_RESPONSE, again.opcode());
        assertEquals(6, again.itt());
        assertEquals(0, again.u8(3));
        assertEquals(got.get(0).statSn() + 1, again.statSn());
        assertArrayEquals(filled(512, 0x5a), Arrays.copyOfRange(h1.core.disk, 2 * 512, 3 * 512));
        h2.send(reassign(32, 2, 6, 0));
        assertEquals(1, h2.one().u8(2), "sent once: then it is the new connection's to acknowledge");
    }

    @Test
    void aStatusTheInitiatorAcknowledgedBeforeTheLoss_isNotKept() {
        int tsih = openSession();
        h1.send(command(7, 1, F, 0, 0));
        ReceivedPdu status = h1.one();
        h1.send(command(8, 2, F, 0, 0).i32(28, status.statSn() + 1)); // ExpStatSN acknowledges it
        h1.one();
        h1.channel.close();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(reassign(33, 3, 7, 0));
        assertEquals(1, h2.one().u8(2)); // task does not exist
        h2.send(reassign(34, 3, 8, 0)); // only ITT 8's status was kept
        List<ReceivedPdu> got = h2.received();
        assertEquals(2, got.size());
        assertEquals(0, got.get(0).u8(2));
        assertEquals(Opcode.SCSI_RESPONSE, got.get(1).opcode());
        assertEquals(8, got.get(1).itt());
    }

    @Test
    void reinstatingTheSession_releasesTheStatusesItKeptForReassignment() {
        int tsih = openSession();
        h1.send(command(9, 1, F | R, 512, read10(0, 1)));
        h1.received();
        var buffer = lastRead();
        h1.channel.close();
        assertTrue(buffer.refCnt() > 0, "kept for TASK REASSIGN");
        ConnectionHarness fresh = new ConnectionHarness(h1.core, null, h1.context);
        others.add(fresh);
        assertEquals(0, fresh.login(0, 1).loginStatus());
        assertEquals(0, buffer.refCnt());
        assertEquals(1, h1.core.closed.size());
    }

    @Test
    void theStatusesOfAConnectionRemovedForRecovery_areReleasedWhenTime2RetainPasses() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(command(11, 1, F | R, 1024, read10(0, 2)));
        assertEquals(Opcode.DATA_IN, h2.received().getFirst().opcode());
        var buffer = lastRead();
        h1.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(F | 2).itt(9).cmdSn(2).u16(20, 2)); // reason 2, CID 2
        assertEquals(0, h1.one().u8(2));
        assertTrue(buffer.refCnt() > 0, "the session keeps the status for TASK REASSIGN");
        // RFC 7143 13.16: Time2Retain (20 s) counts after the initial Time2Wait (2 s)
        h1.channel.advanceTimeBy(21, java.util.concurrent.TimeUnit.SECONDS);
        h1.channel.runScheduledPendingTasks();
        assertTrue(buffer.refCnt() > 0, "still kept 21 s after the loss: Time2Wait + Time2Retain is 22 s");
        h1.channel.advanceTimeBy(2, java.util.concurrent.TimeUnit.SECONDS);
        h1.channel.runScheduledPendingTasks();
        assertEquals(0, buffer.refCnt(), "released at Time2Retain");
        h1.send(reassign(21, 2, 11, 0));
        assertEquals(1, h1.one().u8(2)); // task does not exist
    }

    @Test
    void aNewCommandReusingTheItt_releasesTheStatusKeptForReassignment() {
        int tsih = openSession();
        h1.send(command(12, 1, F | R, 512, read10(0, 1)));
        h1.received();
        var buffer = lastRead();
        h1.channel.close();
        assertTrue(buffer.refCnt() > 0, "kept for TASK REASSIGN");
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(command(12, 2, F, 0, 0)); // the initiator gave that task up: ITT 12 names a new one
        assertEquals(Opcode.SCSI_RESPONSE, h2.one().opcode());
        assertEquals(0, buffer.refCnt(), "the status kept for ITT 12 was released");
        h2.send(reassign(35, 3, 12, 0));
        assertEquals(1, h2.one().u8(2)); // task does not exist: nothing is kept for it any more
    }
}
