package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.command;

/** ErrorRecoveryLevel 1 (RFC 7143 7.1.4, 11.16 SNACK, 11.7.2 A bit), NOP-In pings (11.19), Async Messages (11.9). */
class ErrorRecoveryLevel1Test {
    private static final int F = 0x80;
    private static final int R = 0x40;
    private static final String ERL1 = "negotiation.error-recovery-level = 1\nnop-in-interval = 0";
    private ConnectionHarness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    private static int[] read10(int lba, int blocks) {
        return new int[]{0x28, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    private static PduBuilder snack(int type, int itt, int ttt, int expStatSn, int begRun, int runLength) {
        return PduBuilder.pdu(Opcode.SNACK_REQUEST).flags(0x80 | type).itt(itt).i32(20, ttt).i32(28, expStatSn)
                .i32(40, begRun).i32(44, runLength);
    }

    private IscsiConnection connection() {
        return h.connection;
    }

    /** Logs in at ERL 1 with 1 KiB Data-In segments and 2 KiB bursts. */
    private void loginErl1() {
        h = new ConnectionHarness(ERL1);
        h.login("ErrorRecoveryLevel=1", "MaxRecvDataSegmentLength=1024", "MaxBurstLength=2048",
                "FirstBurstLength=1024");
    }

    /** READ(10) of 8 blocks (4 KiB): Data-In DataSN 0..3, the last with the status (StatSN 2). */
    private List<ReceivedPdu> read4k(int itt) {
        h.send(command(itt, 1, F | R, 4096, read10(0, 8)));
        List<ReceivedPdu> in = h.received();
        assertEquals(4, in.size());
        return in;
    }

    private void assertReject(int reason) {
        ReceivedPdu r = h.one();
        assertEquals(Opcode.REJECT, r.opcode());
        assertEquals(reason, r.u8(2));
    }

    @Test
    void erl_isTheMinimumOfBothSides() {
        h = new ConnectionHarness("negotiation.error-recovery-level = 0");
        h.send(h.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=iqn.2026-11.org.scstj:ram",
                "SessionType=Normal", "AuthMethod=None"));
        h.received();
        h.send(h.loginPdu(0x87, "ErrorRecoveryLevel=1"));
        assertEquals("0", h.one().keys().get("ErrorRecoveryLevel"));
        assertNull(connection().recovery());
    }

    @Test
    void erl1_offeredAndAccepted() {
        h = new ConnectionHarness(ERL1);
        h.send(h.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=iqn.2026-11.org.scstj:ram",
                "SessionType=Normal", "AuthMethod=None"));
        h.received();
        h.send(h.loginPdu(0x87, "ErrorRecoveryLevel=1"));
        assertEquals("1", h.one().keys().get("ErrorRecoveryLevel"));
        assertNotNull(connection().recovery());
    }

    @Test
    void statusSnack_resendsTheSameStatusUntilExpStatSnPassesIt() {
        loginErl1();
        h.send(command(1, 1, F, 0, 0x00)); // TEST UNIT READY, ExpStatSN 0
        ReceivedPdu first = h.one();
        assertEquals(2, first.statSn());
        h.send(snack(1, Opcode.RESERVED_TAG, 0, 2, 2, 1));
        ReceivedPdu again = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, again.opcode());
        assertEquals(2, again.statSn());
        assertEquals(1, again.itt());
        // ExpStatSN 3 acknowledges StatSN 2: a SNACK for it is then a protocol error (11.16)
        h.send(snack(1, Opcode.RESERVED_TAG, 0, 3, 2, 1));
        assertReject(0x04);
        h.send(snack(1, Opcode.RESERVED_TAG, 0, 3, 0, 0)); // every status held: only the Reject (StatSN 3)
        ReceivedPdu held = h.one();
        assertEquals(Opcode.REJECT, held.opcode());
        assertEquals(3, held.statSn());
    }

    @Test
    void statusSnack_forAStatSnNeverSent_isAProtocolError() {
        loginErl1();
        h.send(command(1, 1, F, 0, 0x00));
        h.one();
        h.send(snack(1, Opcode.RESERVED_TAG, 0, 2, 7, 1));
        assertReject(0x04);
    }

    @Test
    void dataSnack_resendsTheDataInRunByDataSn() {
        loginErl1();
        List<ReceivedPdu> in = read4k(5);
        h.send(snack(0, 5, Opcode.RESERVED_TAG, 2, 1, 2));
        List<ReceivedPdu> again = h.received();
        assertEquals(2, again.size());
        for (int i = 0; i < 2; i++) {
            ReceivedPdu a = again.get(i);
            ReceivedPdu o = in.get(1 + i);
            assertEquals(Opcode.DATA_IN, a.opcode());
            assertEquals(1 + i, a.i32(36)); // DataSN
            assertEquals(o.i32(40), a.i32(40)); // buffer offset
            assertEquals(o.flags(), a.flags());
            assertArrayEquals(o.data(), a.data());
        }
        // RunLength 0: from BegRun to the last, which carries the status again with the same StatSN
        h.send(snack(0, 5, Opcode.RESERVED_TAG, 2, 2, 0));
        List<ReceivedPdu> tail = h.received();
        assertEquals(2, tail.size());
        assertEquals(3, tail.get(1).i32(36));
        assertEquals(2, tail.get(1).statSn());
        assertTrue((tail.get(1).flags() & 0x01) != 0);
    }

    @Test
    void dataSnack_beyondWhatWasSent_orForAnUnknownTask_isAProtocolError() {
        loginErl1();
        read4k(5);
        h.send(snack(0, 5, Opcode.RESERVED_TAG, 2, 4, 1));
        assertReject(0x04);
        h.send(snack(0, 9, Opcode.RESERVED_TAG, 2, 0, 1));
        assertReject(0x04);
    }

    @Test
    void aBit_isSetAtEachBurstEndButTheLast_andDataAckReleasesTheAcknowledgedPdus() {
        loginErl1();
        List<ReceivedPdu> in = read4k(5);
        ReceivedPdu burstEnd = in.get(1);
        assertEquals(0xc0, burstEnd.flags() & 0xc0); // F and A (11.7.2)
        int ttt = burstEnd.i32(20);
        assertNotEquals(Opcode.RESERVED_TAG, ttt);
        assertEquals(0, in.get(3).flags() & 0x40); // the status acknowledgement covers the last burst
        assertEquals(Opcode.RESERVED_TAG, in.get(0).i32(20));
        SnackHandler recovery = connection().recovery();
        assertEquals(4096, recovery.retainedBytes());
        h.send(snack(2, 5, ttt, 2, 2, 0)); // DataACK: DataSN 0 and 1 arrived
        assertEquals(List.of(), h.received());
        // the acknowledged PDUs cannot be asked for any more; the others can
        h.send(snack(0, 5, Opcode.RESERVED_TAG, 2, 0, 1));
        assertReject(0x04);
        h.send(snack(0, 5, Opcode.RESERVED_TAG, 2, 2, 1));
        assertEquals(2, h.one().i32(36));
    }

    @Test
    void dataAck_withATagNoDataInCarried_isAnInvalidDataAck() {
        loginErl1();
        read4k(5);
        h.send(snack(2, 5, 0x1234, 2, 2, 0));
        assertReject(0x08);
    }

    @Test
    void statusAcknowledgement_releasesTheRetainedReadBuffer() {
        loginErl1();
        read4k(5);
        SnackHandler recovery = connection().recovery();
        assertEquals(4096, recovery.retainedBytes());
        ByteBuf readBuffer = ((PooledDataBuffer) h.core.lastRead).byteBuf(); // the Data-In are its slices
        assertTrue(readBuffer.refCnt() > 0);
        h.send(command(6, 2, F, 0, 0x00).i32(28, 3)); // ExpStatSN 3 acknowledges the read's StatSN 2
        h.received();
        assertEquals(0, recovery.retainedBytes());
        assertEquals(0, readBuffer.refCnt(), "the retention let go of every slice");
        h.send(snack(0, 5, Opcode.RESERVED_TAG, 3, 0, 1));
        assertReject(0x04);
    }

    @Test
    void retention_overTheCap_isNotKept_andASnackForItGetsSnackReject() {
        h = new ConnectionHarness(ERL1 + "\nmax-retained-data-in = 1024");
        h.login("ErrorRecoveryLevel=1", "MaxRecvDataSegmentLength=1024", "MaxBurstLength=2048",
                "FirstBurstLength=1024");
        read4k(5);
        assertEquals(0, connection().recovery().retainedBytes());
        h.send(snack(0, 5, Opcode.RESERVED_TAG, 2, 0, 1));
        assertReject(0x03);
    }

    @Test
    void rDataSnack_resendsAllUnacknowledgedDataWithoutStatus_thenAResponseWithTheSnackTagAndTheSameStatSn() {
        loginErl1();
        List<ReceivedPdu> in = read4k(5);
        h.send(snack(2, 5, in.get(1).i32(20), 2, 2, 0)); // DataACK for DataSN 0, 1
        h.send(snack(3, 5, 0x77, 2, 0, 0));
        List<ReceivedPdu> again = h.received();
        assertEquals(3, again.size());
        assertEquals(2, again.get(0).i32(36));
        assertEquals(3, again.get(1).i32(36));
        assertEquals(0, again.get(1).flags() & 0x01); // no status in the data any more
        assertArrayEquals(in.get(3).data(), again.get(1).data());
        ReceivedPdu response = again.get(2);
        assertEquals(Opcode.SCSI_RESPONSE, response.opcode());
        assertEquals(0x77, response.i32(20)); // SNACK Tag (11.4.4)
        assertEquals(2, response.statSn()); // the status's own StatSN
        assertEquals(0, response.u8(3));
        assertEquals(4, response.i32(36)); // ExpDataSN
        h.send(snack(1, Opcode.RESERVED_TAG, 0, 2, 0, 0)); // every status held: the read's alone, not logged twice
        ReceivedPdu held = h.one();
        assertEquals(Opcode.DATA_IN, held.opcode());
        assertEquals(2, held.statSn());
    }

    @Test
    void r2tSnack_resendsTheOutstandingR2t() {
        loginErl1();
        int[] write10 = {0x2a, 0, 0, 0, 0, 0, 0, 0, 2};
        h.send(command(7, 1, F | 0x20, 1024, write10));
        ReceivedPdu r2t = h.one();
        assertEquals(Opcode.R2T, r2t.opcode());
        h.send(snack(0, 7, Opcode.RESERVED_TAG, 2, r2t.i32(36), 1));
        ReceivedPdu again = h.one();
        assertEquals(Opcode.R2T, again.opcode());
        assertArrayEquals(java.util.Arrays.copyOfRange(r2t.bhs(), 16, 28), java.util.Arrays.copyOfRange(again.bhs(), 16, 28));
        assertEquals(r2t.i32(36), again.i32(36));
        assertEquals(r2t.i32(40), again.i32(40));
        assertEquals(r2t.i32(44), again.i32(44));
    }

    @Test
    void snack_atErl0_isNotSupported() {
        h = new ConnectionHarness("nop-in-interval = 0");
        h.login();
        h.send(snack(1, Opcode.RESERVED_TAG, 0, 2, 1, 1));
        assertReject(0x05);
    }

    @Test
    void snack_ofAReservedType_isAnInvalidPduField() {
        loginErl1();
        h.send(snack(9, Opcode.RESERVED_TAG, 0, 2, 0, 0));
        assertReject(0x09);
    }

    // ---- NOP-In pings (11.19) ----

    private void loginWithPings() {
        h = new ConnectionHarness("nop-in-interval = 10s\nnop-in-timeout = 5s");
        h.channel.freezeTime();
        h.login();
    }

    private ReceivedPdu awaitPing() {
        h.channel.advanceTimeBy(10, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        ReceivedPdu ping = h.one();
        assertEquals(Opcode.NOP_IN, ping.opcode());
        assertEquals(Opcode.RESERVED_TAG, ping.itt());
        assertNotEquals(Opcode.RESERVED_TAG, ping.i32(20));
        assertEquals(2, ping.statSn()); // the next StatSN, not advanced (11.19.1)
        return ping;
    }

    @Test
    void nopIn_unanswered_closesTheConnectionAndEndsTheSession() {
        loginWithPings();
        awaitPing();
        h.channel.advanceTimeBy(5, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertFalse(h.open());
        assertEquals(1, h.core.closed.size());
    }

    @Test
    void nopIn_answered_keepsTheConnection_andPingsAgain() {
        loginWithPings();
        ReceivedPdu ping = awaitPing();
        h.send(PduBuilder.immediate(Opcode.NOP_OUT).flags(0x80).itt(Opcode.RESERVED_TAG).i32(20, ping.i32(20))
                .cmdSn(1).i32(28, 2));
        assertEquals(List.of(), h.received()); // an answer is not answered (11.18)
        h.channel.advanceTimeBy(5, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertTrue(h.open());
        h.channel.advanceTimeBy(5, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        // a new ping goes out only when none is outstanding: the answer cleared the first one
        ReceivedPdu again = h.one();
        assertEquals(Opcode.NOP_IN, again.opcode());
        assertNotEquals(ping.i32(20), again.i32(20), "a fresh TTT");
        assertTrue(h.open());
    }

    // ---- Async Message (11.9) ----

    @Test
    void requestLogout_sendsAsyncEvent1WithTheDeadline_andCompletesWhenTheConnectionIsGone() {
        h = new ConnectionHarness("nop-in-interval = 0");
        h.login();
        CompletionStage<Void> gone = connection().requestLogout(2);
        ReceivedPdu async = h.one();
        assertEquals(Opcode.ASYNC_MESSAGE, async.opcode());
        assertEquals(Opcode.RESERVED_TAG, async.itt());
        assertEquals(2, async.statSn());
        assertEquals(1, async.u8(36)); // AsyncEvent 1: target requests logout
        assertEquals(2, async.u16(42)); // Parameter3: seconds to log out in
        assertFalse(gone.toCompletableFuture().isDone());
        h.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(0x80).itt(9).cmdSn(1).i32(28, 3));
        ReceivedPdu logout = h.one();
        assertEquals(Opcode.LOGOUT_RESPONSE, logout.opcode());
        assertFalse(h.open());
        assertTrue(gone.toCompletableFuture().isDone());
    }
    // ---- within-command recovery for writes (7.1.4.1) ----

    private static final int W = 0x20;

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + seed);
        }
        return b;
    }

    private static int[] write10(int lba, int blocks) {
        return new int[]{0x2a, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    private void loginErl1WithDataDigest(String... more) {
        h = new ConnectionHarness(ERL1);
        String[] keys = new String[more.length + 2];
        keys[0] = "ErrorRecoveryLevel=1";
        keys[1] = "DataDigest=CRC32C";
        System.arraycopy(more, 0, keys, 2, more.length);
        h.login(keys);
        h.dataDigest(true);
    }

    private static ByteBuf corrupt(ByteBuf pdu) {
        pdu.setByte(pdu.writerIndex() - 1, pdu.getByte(pdu.writerIndex() - 1) ^ 1);
        return pdu;
    }

    /** Reads the blocks back and compares them with {@code expected}. */
    private void assertBlocks(int itt, int cmdSn, byte[] expected) {
        h.send(command(itt, cmdSn, F | R, expected.length, read10(0, expected.length / 512)));
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        for (ReceivedPdu p : h.received()) {
            if (p.opcode() == Opcode.DATA_IN) {
                got.writeBytes(p.data());
            }
        }
        assertArrayEquals(expected, got.toByteArray());
    }

    private static void assertGood(ReceivedPdu r, int itt) {
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(itt, r.itt());
        assertEquals(0, r.u8(3), "status");
    }

    @Test
    void dataDigestErrorOnSolicitedData_getsReject02AndARecoveryR2t_andTheWriteCompletesGood() {
        loginErl1WithDataDigest("InitialR2T=Yes", "ImmediateData=No");
        byte[] data = pattern(2048, 3);
        h.send(command(1, 1, F | W, 2048, write10(0, 4)));
        ReceivedPdu r2t = h.one();
        int ttt = r2t.i32(20);
        h.send(ConnectionHarness.dataOut(1, ttt, 0, false, java.util.Arrays.copyOfRange(data, 0, 1024), 0));
        assertEquals(List.of(), h.received());
        h.sendRaw(corrupt(ConnectionHarness.dataOut(1, ttt, 1024, true,
                java.util.Arrays.copyOfRange(data, 1024, 2048), 1).build(false, true)));
        List<ReceivedPdu> r = h.received();
        assertEquals(2, r.size());
        assertEquals(Opcode.REJECT, r.get(0).opcode());
        assertEquals(0x02, r.get(0).u8(2));
        ReceivedPdu recovery = r.get(1);
        assertEquals(Opcode.R2T, recovery.opcode());
        assertNotEquals(ttt, recovery.i32(20));
        assertEquals(1, recovery.i32(36)); // the next R2TSN
        assertEquals(1024, recovery.i32(40));
        assertEquals(1024, recovery.i32(44));
        h.send(ConnectionHarness.dataOut(1, recovery.i32(20), 1024, true,
                java.util.Arrays.copyOfRange(data, 1024, 2048), 0));
        assertGood(h.one(), 1);
        assertBlocks(2, 2, data);
    }

    @Test
    void dataSnGapOnSolicitedData_getsARecoveryR2tFromTheLoss_andLateDataOfTheOldR2tIsDropped() {
        h = new ConnectionHarness(ERL1);
        h.login("ErrorRecoveryLevel=1", "InitialR2T=Yes", "ImmediateData=No");
        byte[] data = pattern(2048, 5);
        h.send(command(1, 1, F | W, 2048, write10(0, 4)));
        int ttt = h.one().i32(20);
        h.send(ConnectionHarness.dataOut(1, ttt, 0, false, java.util.Arrays.copyOfRange(data, 0, 512), 0));
        // DataSN 1 (offset 512) is lost; DataSN 2 arrives: bad-inputs row 13 at ERL 1
        h.send(ConnectionHarness.dataOut(1, ttt, 1024, false, java.util.Arrays.copyOfRange(data, 1024, 1536), 2));
        ReceivedPdu recovery = h.one();
        assertEquals(Opcode.R2T, recovery.opcode());
        assertEquals(512, recovery.i32(40));
        assertEquals(1536, recovery.i32(44));
        h.send(ConnectionHarness.dataOut(1, ttt, 1536, true, java.util.Arrays.copyOfRange(data, 1536, 2048), 3));
        assertEquals(List.of(), h.received()); // the old burst's rest: dropped silently
        h.send(ConnectionHarness.dataOut(1, recovery.i32(20), 512, true,
                java.util.Arrays.copyOfRange(data, 512, 2048), 0));
        assertGood(h.one(), 1);
        assertBlocks(2, 2, data);
    }

    @Test
    void repeatedDataSn_isDroppedAtErl1() {
        h = new ConnectionHarness(ERL1);
        h.login("ErrorRecoveryLevel=1", "InitialR2T=Yes", "ImmediateData=No");
        byte[] data = pattern(1024, 9);
        h.send(command(1, 1, F | W, 1024, write10(0, 2)));
        int ttt = h.one().i32(20);
        h.send(ConnectionHarness.dataOut(1, ttt, 0, false, java.util.Arrays.copyOfRange(data, 0, 512), 0));
        h.send(ConnectionHarness.dataOut(1, ttt, 0, false, java.util.Arrays.copyOfRange(data, 0, 512), 0));
        assertEquals(List.of(), h.received());
        h.send(ConnectionHarness.dataOut(1, ttt, 512, true, java.util.Arrays.copyOfRange(data, 512, 1024), 1));
        assertGood(h.one(), 1);
        assertBlocks(2, 2, data);
    }

    @Test
    void dataDigestErrorOnImmediateData_acceptsTheCommandAndAsksForTheDataWithAnR2t() {
        loginErl1WithDataDigest("InitialR2T=Yes");
        byte[] data = pattern(1024, 7);
        h.sendRaw(corrupt(command(1, 1, F | W, 1024, write10(0, 2)).data(data).build(false, true)));
        List<ReceivedPdu> r = h.received();
        assertEquals(2, r.size());
        assertEquals(0x02, r.get(0).u8(2));
        assertEquals(2, r.get(0).expCmdSn(), "the command is accepted: the Reject must not say its CmdSN is missing");
        ReceivedPdu r2t = r.get(1);
        assertEquals(Opcode.R2T, r2t.opcode());
        assertEquals(0, r2t.i32(40));
        assertEquals(1024, r2t.i32(44));
        h.send(ConnectionHarness.dataOut(1, r2t.i32(20), 0, true, data, 0));
        assertGood(h.one(), 1);
        assertBlocks(2, 2, data);
    }

    @Test
    void dataDigestErrorOnUnsolicitedData_dropsTheRestOfTheBurst_andR2tsAskFromTheLoss() {
        loginErl1WithDataDigest("InitialR2T=No", "ImmediateData=Yes", "FirstBurstLength=65536");
        byte[] data = pattern(2048, 11);
        h.send(command(1, 1, W, 2048, write10(0, 4)).data(java.util.Arrays.copyOfRange(data, 0, 512)));
        h.sendRaw(corrupt(ConnectionHarness.dataOut(1, Opcode.RESERVED_TAG, 512, false,
                java.util.Arrays.copyOfRange(data, 512, 1024), 0).build(false, true)));
        h.send(ConnectionHarness.dataOut(1, Opcode.RESERVED_TAG, 1024, true,
                java.util.Arrays.copyOfRange(data, 1024, 2048), 1));
        List<ReceivedPdu> r = h.received();
        assertEquals(Opcode.REJECT, r.get(0).opcode());
        ReceivedPdu r2t = r.get(r.size() - 1);
        assertEquals(Opcode.R2T, r2t.opcode());
        assertEquals(512, r2t.i32(40));
        assertEquals(1536, r2t.i32(44));
        h.send(ConnectionHarness.dataOut(1, r2t.i32(20), 512, true, java.util.Arrays.copyOfRange(data, 512, 2048), 0));
        assertGood(h.one(), 1);
        assertBlocks(2, 2, data);
    }
    @Test
    void engineAsyncEvent_isSentAsAsyncEvent0WithTheSenseData() {
        h = new ConnectionHarness("nop-in-interval = 0");
        h.login();
        byte[] sense = new byte[18];
        sense[0] = 0x70;
        sense[2] = 0x06;
        sense[12] = 0x3f;
        sense[13] = 0x0e;
        h.core.eventListeners.getFirst().event(0, sense);
        ReceivedPdu async = h.one();
        assertEquals(Opcode.ASYNC_MESSAGE, async.opcode());
        assertEquals(0, async.u8(36)); // AsyncEvent 0: SCSI asynchronous event
        assertEquals(2, async.statSn());
        assertEquals(20, async.data().length);
        assertEquals(18, ((async.data()[0] & 0xff) << 8) | (async.data()[1] & 0xff)); // SenseLength (11.9.4)
        assertEquals(0x3f, async.data()[2 + 12]);
        assertEquals(0x0e, async.data()[2 + 13]);
    }
    @Test
    void dataSnack_forDataTheCoreOwned_resendsAPooledCopy() {
        loginErl1();
        h.send(command(4, 1, F | R, 8, 0x25)); // READ CAPACITY(10): the core's own byte array
        ReceivedPdu in = h.one();
        assertEquals(Opcode.DATA_IN, in.opcode());
        h.send(snack(0, 4, Opcode.RESERVED_TAG, 2, 0, 1));
        ReceivedPdu again = h.one();
        assertArrayEquals(in.data(), again.data());
        assertEquals(8, connection().recovery().retainedBytes());
    }
}
