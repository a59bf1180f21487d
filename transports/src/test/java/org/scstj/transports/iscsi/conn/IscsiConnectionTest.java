package org.scstj.transports.iscsi.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.command;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.dataOut;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.RamDiskCore;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.util.Arrays;
import java.util.List;

class IscsiConnectionTest {
    private static final int F = 0x80;
    private static final int R = 0x40;
    private static final int W = 0x20;
    private ConnectionHarness h = new ConnectionHarness("");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    private static int[] write10(int lba, int blocks) {
        return new int[]{0x2a, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    private static int[] read10(int lba, int blocks) {
        return new int[]{0x28, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    private void assertReject(int reason) {
        ReceivedPdu r = h.one();
        assertEquals(Opcode.REJECT, r.opcode());
        assertEquals(reason, r.u8(2));
        assertEquals(48, r.data().length);
    }

    @Test
    void login_opensANexusNamedPerRfc7143() {
        h.login("MaxRecvDataSegmentLength=65536");
        Nexus n = h.core.opened.getFirst();
        assertEquals(ConnectionHarness.INITIATOR, n.initiatorName());
        assertEquals(ConnectionHarness.INITIATOR + ",i,0x800000000001", n.initiatorPortName());
        assertEquals(RamDiskCore.TARGET + ",t,0x0001", n.targetPortName());
        assertEquals(1, n.relativeTargetPortId());
        assertEquals(1, n.targetPortGroup());
    }

    @Test
    void testUnitReady_answersGoodWithCommandNumbers() {
        h.login();
        h.send(command(1, 1, F, 0, 0x00));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(0, r.u8(3));
        assertEquals(1, r.itt());
        assertEquals(2, r.statSn());
        assertEquals(2, r.expCmdSn());
        assertEquals(2 + 128 - 1, r.maxCmdSn());
    }

    @Test
    void writeWithImmediateDataAndR2ts_thenReadBack() {
        h.login("InitialR2T=Yes", "ImmediateData=Yes", "MaxBurstLength=4096", "FirstBurstLength=1024",
                "MaxRecvDataSegmentLength=4096");
        byte[] data = pattern(8192, 3);
        h.send(command(7, 1, F | W, 8192, write10(2, 16)).data(Arrays.copyOf(data, 1024)));
        ReceivedPdu r2t = h.one();
        assertEquals(Opcode.R2T, r2t.opcode());
        assertEquals(1024, r2t.i32(40));
        assertEquals(4096, r2t.i32(44));
        int ttt = r2t.i32(20);
        h.send(dataOut(7, ttt, 1024, false, Arrays.copyOfRange(data, 1024, 3072)));
        h.send(dataOut(7, ttt, 3072, true, Arrays.copyOfRange(data, 3072, 5120), 1));
        ReceivedPdu second = h.one();
        assertEquals(Opcode.R2T, second.opcode());
        assertEquals(5120, second.i32(40));
        assertEquals(3072, second.i32(44));
        assertEquals(1, second.i32(36)); // R2TSN
        h.send(dataOut(7, second.i32(20), 5120, true, Arrays.copyOfRange(data, 5120, 8192)));
        ReceivedPdu status = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, status.opcode());
        assertEquals(0, status.u8(3));
        assertEquals(2, status.i32(36)); // ExpDataSN: two R2Ts
        assertArrayEquals(data, Arrays.copyOfRange(h.core.disk, 1024, 1024 + 8192));

        h.send(command(8, 2, F | R, 8192, read10(2, 16)));
        List<ReceivedPdu> in = h.received();
        assertEquals(2, in.size());
        assertEquals(Opcode.DATA_IN, in.get(0).opcode());
        assertEquals(0, in.get(0).flags() & 0x01);
        assertEquals(0x81, in.get(1).flags() & 0x81); // F and S on the last
        assertEquals(4096, in.get(1).i32(40));
        assertEquals(1, in.get(1).i32(36));
        byte[] back = new byte[8192];
        System.arraycopy(in.get(0).data(), 0, back, 0, 4096);
        System.arraycopy(in.get(1).data(), 0, back, 4096, 4096);
        assertArrayEquals(data, back);
    }

    @Test
    void unsolicitedDataOut_isTakenUpToFirstBurstLength_thenR2t() {
        h.login("InitialR2T=No", "ImmediateData=Yes", "FirstBurstLength=2048", "MaxBurstLength=65536");
        byte[] data = pattern(4096, 9);
        h.send(command(3, 1, W, 4096, write10(0, 8)).data(Arrays.copyOf(data, 512)));
        assertTrue(h.received().isEmpty());
        h.send(dataOut(3, Opcode.RESERVED_TAG, 512, true, Arrays.copyOfRange(data, 512, 2048)));
        ReceivedPdu r2t = h.one();
        assertEquals(2048, r2t.i32(40));
        assertEquals(2048, r2t.i32(44));
        h.send(dataOut(3, r2t.i32(20), 2048, true, Arrays.copyOfRange(data, 2048, 4096)));
        assertEquals(Opcode.SCSI_RESPONSE, h.one().opcode());
        assertArrayEquals(data, Arrays.copyOf(h.core.disk, 4096));
    }

    @Test
    void shortAllocationLength_reportsUnderflowResidualInTheFinalDataIn() {
        h.login();
        h.send(command(1, 1, F | R, 255, 0x12, 0, 0, 0, 255, 0));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.DATA_IN, r.opcode());
        assertEquals(0x80 | 0x02 | 0x01, r.flags());
        assertEquals(36, r.data().length);
        assertEquals(255 - 36, r.i32(44));
    }

    @Test
    void edtlSmallerThanTheCdb_reportsOverflow() {
        h.login();
        h.send(command(1, 1, F | R, 512, read10(0, 2)));
        ReceivedPdu r = h.one();
        assertEquals(0x80 | 0x04 | 0x01, r.flags());
        assertEquals(512, r.data().length);
        assertEquals(512, r.i32(44));
    }

    @Test
    void writeCdbWithoutTheWBit_failsAtOnce_withoutAnR2t() {
        h.login("InitialR2T=Yes");
        h.send(command(1, 1, F | R, 512, write10(0, 1)));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode(), "an R2T was sent for a command without W");
        assertEquals(1, r.itt());
        assertEquals(2, r.u8(3));
        h.send(command(2, 2, F, 0, 0)); // the window slot was given back
        assertEquals(2, h.one().itt());
    }

    @Test
    void readCdbWithoutTheRBit_sendsNoDataIn_andReportsTheWholeTransferAsOverflow() {
        h.login();
        h.send(command(1, 1, F | W, 512, read10(0, 1)));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(0, r.u8(3));
        assertEquals(0x80 | 0x04, r.flags());
        assertEquals(512, r.i32(44));
    }

    @Test
    void checkCondition_isAScsiResponseWithSenseLengthPrefix() {
        h.login();
        h.send(command(1, 1, F, 0, 0xff));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(2, r.u8(3));
        assertEquals(18, ((r.data()[0] & 0xff) << 8) | (r.data()[1] & 0xff));
        assertEquals(0x70, r.data()[2]);
        assertEquals(0x05, r.data()[4]);
    }

    @Test
    void nopOut_isEchoedWithItsPingData() {
        h.login();
        h.send(PduBuilder.immediate(Opcode.NOP_OUT).flags(F).itt(0x55).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .data("ping!".getBytes()));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.NOP_IN, r.opcode());
        assertEquals(0x55, r.itt());
        assertEquals(Opcode.RESERVED_TAG, r.i32(20));
        assertArrayEquals("ping!".getBytes(), r.data());
    }

    @Test
    void logout_closesTheSessionThenAnswersThenCloses() {
        h.login();
        h.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(F).itt(9).cmdSn(1));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.LOGOUT_RESPONSE, r.opcode());
        assertEquals(0, r.u8(2));
        assertEquals(1, h.core.closed.size());
        assertFalse(h.open());
    }

    @Test
    void pduAfterLogout_closesTheConnection() {
        h.core.deferClose = true;
        h.login();
        h.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(F).itt(9).cmdSn(1));
        assertTrue(h.received().isEmpty());
        h.send(command(1, 1, F, 0, 0));
        assertFalse(h.open());
        h.core.pendingCloses.forEach(Runnable::run);
    }

    @Test
    void connectionLoss_closesTheSession() {
        h.login();
        h.channel.close();
        assertEquals(1, h.core.closed.size());
    }

    @Test
    void cmdSnOutsideTheWindow_isDroppedSilently_andTheConnectionStays() {
        h.login();
        h.send(command(1, 1000, F, 0, 0));
        h.send(command(2, 0, F, 0, 0));
        assertTrue(h.received().isEmpty());
        assertTrue(h.open());
        h.send(command(3, 1, F, 0, 0));
        assertEquals(3, h.one().itt());
    }

    @Test
    void outOfOrderCommands_areDeliveredInCmdSnOrder() {
        h.login();
        h.send(command(2, 2, F, 0, 0));
        assertTrue(h.received().isEmpty());
        h.send(command(1, 1, F, 0, 0));
        List<ReceivedPdu> r = h.received();
        assertEquals(List.of(1, 2), r.stream().map(ReceivedPdu::itt).toList());
        assertEquals(3, r.get(1).expCmdSn());
    }

    @Test
    void immediateCommands_skipTheQueue() {
        h.login();
        h.send(command(2, 5, F, 0, 0));
        h.send(PduBuilder.immediate(Opcode.SCSI_COMMAND).flags(F | 1).itt(9).cmdSn(1));
        assertEquals(9, h.one().itt());
    }

    @Test
    void immediateDataLongerThanEdtl_isProtocolErrorReject_andItsCmdSnIsConsumed() {
        h.login();
        h.send(command(1, 1, F | W, 512, write10(0, 1)).data(new byte[1024]));
        assertReject(0x04, 2);
        h.send(command(2, 2, F, 0, 0));
        assertEquals(2, h.one().itt());
    }

    /** A Reject's reason, and its ExpCmdSN (RFC 7143 11.17.3: the usual value, after the PDU was dealt with). */
    private void assertReject(int reason, int expCmdSn) {
        ReceivedPdu r = h.one();
        assertEquals(Opcode.REJECT, r.opcode());
        assertEquals(reason, r.u8(2));
        assertEquals(expCmdSn, r.expCmdSn(), "the Reject's ExpCmdSN disagrees with the window");
    }

    /** An immediate ping's NOP-In: the ExpCmdSN the window has. */
    private int pingExpCmdSn(int cmdSn) {
        h.send(PduBuilder.immediate(Opcode.NOP_OUT).flags(F).itt(0x77).i32(20, Opcode.RESERVED_TAG).cmdSn(cmdSn));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.NOP_IN, r.opcode());
        return r.expCmdSn();
    }

    @Test // issue 12: 0x04 and 0x09 cannot be resent (RFC 7143 11.17.1), so the CmdSN is used, and the Reject says so
    void rejectedCommands_areCountedBeforeTheRejectIsBuilt_soItsExpCmdSnAgreesWithTheWindow() {
        h.login("FirstBurstLength=512");
        h.send(command(1, 1, F, 1024, 0)); // EDTL without R or W
        assertReject(0x09, 2);
        h.send(command(2, 2, F | W, 512, write10(0, 1)).data(new byte[1024])); // immediate data above EDTL
        assertReject(0x04, 3);
        h.send(command(3, 3, F | W, 4096, write10(0, 8)).data(new byte[1024])); // above FirstBurstLength
        assertReject(0x09, 4);
        h.sendRaw(command(4, 4, F | W, 300000, write10(0, 1)).data(new byte[300000]).build()); // above MaxRecvDSL
        assertReject(0x04, 5);
        h.send(PduBuilder.pdu(Opcode.NOP_OUT).flags(F).itt(5).i32(20, Opcode.RESERVED_TAG).cmdSn(5)
                .ahs(new byte[]{0x00, 0x01, 0x09, 0x00})); // an AHS on a NOP-Out
        assertReject(0x04, 6);
        assertEquals(6, pingExpCmdSn(6));
        h.send(command(6, 1, F, 0, 0)); // resent at a CmdSN already used: a duplicate, dropped (4.2.2.1)
        assertTrue(h.received().isEmpty());
        h.send(command(7, 6, F, 0, 0));
        ReceivedPdu good = h.one();
        assertEquals(7, good.itt());
        assertEquals(7, good.expCmdSn());
    }

    @Test
    void aRejectedCommand_goesOutBeforeTheAnswersOfTheCommandsItUnblocks() {
        h.login();
        h.send(command(2, 2, F, 0, 0));
        h.send(command(1, 1, F, 1024, 0)); // EDTL without R or W
        List<ReceivedPdu> r = h.received();
        assertEquals(List.of(Opcode.REJECT, Opcode.SCSI_RESPONSE), r.stream().map(ReceivedPdu::opcode).toList());
        assertEquals(2, r.get(0).expCmdSn());
        assertEquals(3, r.get(1).expCmdSn());
    }

    @Test // 0x05: what an opcode we do not know carries is unknown, so nothing is counted, and the Reject says so
    void unknownOpcode_isNotCounted_andItsRejectSaysSo() {
        h.login();
        h.send(PduBuilder.pdu(0x1c).flags(F).itt(4).cmdSn(1));
        assertReject(0x05, 1);
        assertEquals(1, pingExpCmdSn(1));
    }

    @Test // RFC 7143 7.8, 11.17.1: a non-data PDU with a data digest error is discarded, to be sent again
    void nopOutWithABadDataDigest_isDiscardedUncounted_soItCanBeSentAgain() {
        h.login("DataDigest=CRC32C");
        h.dataDigest(true);
        var pdu = PduBuilder.pdu(Opcode.NOP_OUT).flags(F).itt(9).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .data("ping".getBytes()).build(false, true);
        pdu.setByte(pdu.writerIndex() - 1, pdu.getByte(pdu.writerIndex() - 1) ^ 1);
        h.sendRaw(pdu);
        assertReject(0x02, 1);
        h.send(PduBuilder.pdu(Opcode.NOP_OUT).flags(F).itt(9).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .data("ping".getBytes()));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.NOP_IN, r.opcode(), "the NOP-Out sent again was dropped");
        assertEquals(2, r.expCmdSn());
    }

    @Test
    void immediateDataWhenNegotiatedOff_isProtocolErrorReject() {
        h.login("ImmediateData=No");
        h.send(command(1, 1, F | W, 512, write10(0, 1)).data(new byte[512]));
        assertReject(0x04);
    }

    @Test
    void immediateDataAboveFirstBurstLength_isInvalidFieldReject() {
        h.login("FirstBurstLength=512");
        h.send(command(1, 1, F | W, 4096, write10(0, 8)).data(new byte[1024]));
        assertReject(0x09);
    }

    @Test
    void edtlWithoutReadOrWrite_isInvalidFieldReject() {
        h.login();
        h.send(command(1, 1, F, 512, 0));
        assertReject(0x09);
    }

    @Test
    void dataSegmentAboveMaxRecvDataSegmentLength_isRejectedWithoutBuffering() {
        h.login();
        h.sendRaw(command(1, 1, F | W, 300000, write10(0, 1)).data(new byte[300000]).build());
        assertReject(0x04);
        assertTrue(h.open());
    }

    @Test
    void unsolicitedDataWhileInitialR2TYes_failsTheCommandWithAbortedCommand0C0C() {
        h.login("InitialR2T=Yes");
        h.send(command(1, 1, W, 1024, write10(0, 2)));
        ReceivedPdu r2t = h.one();
        assertEquals(Opcode.R2T, r2t.opcode());
        h.send(dataOut(1, Opcode.RESERVED_TAG, 0, true, new byte[512]));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(2, r.u8(3));
        assertEquals(0x0b, r.data()[4]);
        assertEquals(0x0c, r.data()[14]);
        assertEquals(0x0c, r.data()[15]);
    }

    @Test
    void tooLittleUnsolicitedData_failsTheCommandWithAbortedCommand0C0D() {
        h.login("InitialR2T=No", "FirstBurstLength=1024");
        h.send(command(1, 1, W, 2048, write10(0, 4)));
        h.send(dataOut(1, Opcode.RESERVED_TAG, 0, true, new byte[512]));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(0x0c, r.data()[14]);
        assertEquals(0x0d, r.data()[15]);
    }

    @Test
    void unsolicitedDataWhileInitialR2TYes_beforeTheCoreAsks_reachesTheCoreAsADataOutFailure_whenItAsks() {
        h.login("InitialR2T=Yes");
        h.core.autoRun = false;
        h.send(command(1, 1, W, 1024, write10(0, 2)));
        h.send(dataOut(1, Opcode.RESERVED_TAG, 0, true, new byte[512]));
        assertTrue(h.received().isEmpty(), "the transport answers nothing itself");
        Throwable[] failed = new Throwable[1];
        h.channel.eventLoop().execute(() -> h.core.submitted.getFirst().receiveData(1024,
                new org.scstj.engine.spi.TransportTask.DataReceiver() {
                    @Override public void received(org.scstj.engine.spi.DataBuffer data) { throw new AssertionError(); }
                    @Override public void failed(Throwable cause) { failed[0] = cause; }
                }));
        h.channel.runPendingTasks();
        assertEquals(org.scstj.engine.spi.DataOutFailure.Reason.UNEXPECTED_UNSOLICITED_DATA,
                ((org.scstj.engine.spi.DataOutFailure) failed[0]).reason());
        assertTrue(h.received().isEmpty(), "no R2T for a command whose data was refused");
    }

    @Test
    void aCommandTheCoreFailsWithoutAskingForItsData_keepsTheCoresAnswer_afterRefusedUnsolicitedData() {
        h.login("InitialR2T=Yes");
        h.core.autoRun = false;
        h.send(command(1, 1, W, 1024, write10(1000, 2))); // past the end of the disk
        h.send(dataOut(1, Opcode.RESERVED_TAG, 0, true, new byte[512]));
        h.core.execute(h.core.submitted.getFirst());
        ReceivedPdu r = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(2, r.u8(3));
        assertEquals(0x05, r.data()[4]); // ILLEGAL REQUEST 21/00, not the transport's 0C/0C
        assertEquals(0x21, r.data()[14]);
        assertEquals(0x00, r.data()[15]);
    }

    @Test
    void dataOutForUnknownItt_orPastEdtl_isInvalidFieldReject() {
        h.login("InitialR2T=No");
        h.send(dataOut(77, Opcode.RESERVED_TAG, 0, true, new byte[16]));
        assertReject(0x09);
        h.core.autoRun = false;
        h.send(command(1, 1, W, 512, write10(0, 1)));
        h.send(dataOut(1, Opcode.RESERVED_TAG, 512, true, new byte[16]));
        assertReject(0x09);
    }

    @Test
    void lateUnsolicitedDataOut_forACommandAnsweredEarly_isDroppedSilently() {
        h.login("InitialR2T=No");
        h.send(command(1, 1, W, 2048, write10(1000, 4))); // past the end: CHECK CONDITION before any data
        ReceivedPdu status = h.one();
        assertEquals(Opcode.SCSI_RESPONSE, status.opcode());
        assertEquals(2, status.u8(3));
        for (int i = 0; i < 4; i++) {
            h.send(dataOut(1, Opcode.RESERVED_TAG, i * 512, i == 3, new byte[512], i));
        }
        assertTrue(h.received().isEmpty(), "late unsolicited Data-Out was rejected");
        h.send(dataOut(1, Opcode.RESERVED_TAG, 0, true, new byte[16])); // the burst ended: unknown ITT again
        assertReject(0x09);
        h.send(command(2, 2, F, 0, 0));
        ReceivedPdu next = h.one();
        assertEquals(2, next.itt());
        assertEquals(status.statSn() + 2, next.statSn()); // only the Reject took a StatSN
    }

    @Test
    void dataOutLongerThanItsR2t_closesTheConnection() {
        h.login("InitialR2T=Yes");
        h.send(command(1, 1, F | W, 1024, write10(0, 2)));
        ReceivedPdu r2t = h.one();
        h.send(dataOut(1, r2t.i32(20), 0, true, new byte[1024 + 4]).i32(20, r2t.i32(20)));
        // 1028 bytes exceed EDTL first: that is a Reject; within EDTL but beyond the R2T closes
        assertReject(0x09);
        h.close();
        h = new ConnectionHarness("");
        h.login("InitialR2T=Yes", "MaxBurstLength=512");
        h.send(command(1, 1, F | W, 1024, write10(0, 2)));
        ReceivedPdu first = h.one();
        assertEquals(512, first.i32(44));
        h.send(dataOut(1, first.i32(20), 0, true, new byte[1024]));
        assertFalse(h.open());
    }

    private static void assertAbortedCommand4705(ReceivedPdu r, int itt) {
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(itt, r.itt());
        assertEquals(2, r.u8(3));
        byte[] sense = r.data();
        assertEquals(0x0b, sense[2 + 2]);
        assertEquals(0x47, sense[2 + 12]);
        assertEquals(0x05, sense[2 + 13]);
    }

    @Test
    void repeatedDataSn_isProtocolErrorReject_andTheCommandFailsWithAbortedCommand4705() {
        h.login("InitialR2T=Yes");
        h.send(command(1, 1, F | W, 1024, write10(0, 2)));
        ReceivedPdu r2t = h.one();
        h.send(dataOut(1, r2t.i32(20), 0, false, new byte[512], 0));
        h.send(dataOut(1, r2t.i32(20), 512, true, new byte[512], 0));
        List<ReceivedPdu> r = h.received();
        assertEquals(2, r.size());
        assertEquals(Opcode.REJECT, r.get(0).opcode());
        assertEquals(0x04, r.get(0).u8(2));
        assertAbortedCommand4705(r.get(1), 1);
        h.send(command(2, 2, F, 0, 0));
        assertEquals(2, h.one().itt());
    }

    @Test
    void badDataDigestOnADataOut_isRejectedAndTheCommandFailsWithAbortedCommand4705() {
        h.login("DataDigest=CRC32C", "InitialR2T=Yes");
        h.dataDigest(true);
        h.send(command(1, 1, F | W, 1024, write10(0, 2)));
        ReceivedPdu r2t = h.one();
        assertEquals(Opcode.R2T, r2t.opcode());
        var pdu = dataOut(1, r2t.i32(20), 0, false, new byte[512]).build(false, true);
        pdu.setByte(pdu.writerIndex() - 1, pdu.getByte(pdu.writerIndex() - 1) ^ 1);
        h.sendRaw(pdu);
        List<ReceivedPdu> r = h.received();
        assertEquals(2, r.size(), "the command got no status");
        assertEquals(Opcode.REJECT, r.get(0).opcode());
        assertEquals(0x02, r.get(0).u8(2));
        assertAbortedCommand4705(r.get(1), 1);
        h.send(command(2, 2, F, 0, 0));
        assertEquals(2, h.one().itt());
    }

    @Test
    void badDataDigestOnUnsolicitedData_beforeTheCoreAsks_failsTheCommandWhenItRuns() {
        h.login("DataDigest=CRC32C", "InitialR2T=No");
        h.dataDigest(true);
        h.core.autoRun = false;
        h.send(command(1, 1, W, 1024, write10(0, 2)));
        var pdu = dataOut(1, Opcode.RESERVED_TAG, 0, false, new byte[512]).build(false, true);
        pdu.setByte(pdu.writerIndex() - 1, pdu.getByte(pdu.writerIndex() - 1) ^ 1);
        h.sendRaw(pdu);
        assertEquals(0x02, h.one().u8(2));
        h.core.execute(h.core.submitted.getFirst()); // still outstanding: the core runs it now
        assertAbortedCommand4705(h.one(), 1);
    }

    @Test
    void outOfOrderDataOutOffset_closesTheConnection() {
        h.login("InitialR2T=Yes");
        h.send(command(1, 1, F | W, 1024, write10(0, 2)));
        ReceivedPdu r2t = h.one();
        h.send(dataOut(1, r2t.i32(20), 512, true, new byte[512]));
        assertFalse(h.open());
    }

    @Test
    void unknownOpcode_isCommandNotSupportedReject() {
        h.login();
        h.send(PduBuilder.immediate(0x1c).itt(4));
        assertReject(0x05);
    }

    @Test
    void badHeaderDigest_closesTheConnection() {
        h.login("HeaderDigest=CRC32C");
        h.headerDigest(true);
        var pdu = command(1, 1, F, 0, 0).build(true, false);
        pdu.setByte(49, pdu.getByte(49) ^ 0x10);
        h.sendRaw(pdu);
        assertFalse(h.open());
    }

    @Test
    void headerDigests_workAfterLogin() {
        h.login("HeaderDigest=CRC32C");
        h.headerDigest(true);
        h.send(command(1, 1, F, 0, 0));
        assertEquals(Opcode.SCSI_RESPONSE, h.one().opcode());
    }

    @Test
    void badDataDigestOnACommand_isRejectedAndFailsWithAbortedCommand4705() {
        h.login("DataDigest=CRC32C");
        h.dataDigest(true);
        var pdu = command(1, 1, F | W, 512, write10(0, 1)).data(new byte[512]).build(false, true);
        pdu.setByte(pdu.writerIndex() - 1, pdu.getByte(pdu.writerIndex() - 1) ^ 1);
        h.sendRaw(pdu);
        List<ReceivedPdu> r = h.received();
        assertEquals(2, r.size());
        assertEquals(Opcode.REJECT, r.get(0).opcode());
        assertEquals(0x02, r.get(0).u8(2));
        assertEquals(2, r.get(0).expCmdSn(), "the command is answered, so its CmdSN is counted, and the Reject says so");
        assertEquals(Opcode.SCSI_RESPONSE, r.get(1).opcode());
        assertEquals(2, r.get(1).u8(3));
        byte[] sense = r.get(1).data();
        assertEquals(0x0b, sense[2 + 2]);
        assertEquals(0x47, sense[2 + 12]);
        assertEquals(0x05, sense[2 + 13]);
        h.send(command(2, 2, F, 0, 0)); // the CmdSN was consumed
        assertEquals(2, h.one().itt());
    }

    @Test
    void taskManagement_isMappedAndAnswered() {
        h.login();
        h.send(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | 5).lun(0).itt(11).cmdSn(1));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.TASK_MGMT_RESPONSE, r.opcode());
        assertEquals(0, r.u8(2));
        assertEquals(TmfRequest.Function.LOGICAL_UNIT_RESET, h.core.tmfs.getFirst().function());
    }

    @Test
    void targetColdReset_answersThenClosesEveryConnectionOfItsTarget_butNotADiscoverySession() {
        h.login();
        try (ConnectionHarness peer = new ConnectionHarness(h.core, "", h.context);
             ConnectionHarness discovery = new ConnectionHarness(h.core, "", h.context)) {
            peer.send(peer.loginPdu(0x87, "InitiatorName=iqn.2026-11.test:peer", "TargetName=" + RamDiskCore.TARGET,
                    "AuthMethod=None").i32(10, 2));
            assertEquals(0, peer.one().loginStatus());
            discovery.discoveryLogin();
            h.send(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | 7).lun(0).itt(11).cmdSn(1));
            ReceivedPdu r = h.one();
            assertEquals(Opcode.TASK_MGMT_RESPONSE, r.opcode());
            assertEquals(0, r.u8(2));
            assertEquals(TmfRequest.Function.TARGET_COLD_RESET, h.core.tmfs.getFirst().function());
            assertFalse(h.open());
            assertFalse(peer.open(), "another initiator's session of the target stayed open (RFC 7143 11.5.1)");
            assertTrue(discovery.open(), "a discovery session belongs to no target: the reset does not reach it");
            assertEquals(2, h.core.closed.size()); // both sessions closed as on connection loss
            assertEquals(1, h.context.connections().size());
        }
    }

    @Test
    void theSameNamesInOtherCase_areTheSameSession_soTheLoginReinstatesIt() {
        h.login();
        try (ConnectionHarness upper = new ConnectionHarness(h.core, "", h.context)) {
            // RFC 7143 4.2.7.1 / RFC 3722: iSCSI names compare case-insensitively; same ISID: same session
            upper.send(upper.loginPdu(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR.toUpperCase(java.util.Locale.ROOT),
                    "TargetName=" + RamDiskCore.TARGET.toUpperCase(java.util.Locale.ROOT), "AuthMethod=None"));
            assertEquals(0, upper.one().loginStatus());
            assertFalse(h.open(), "the first session was reinstated (closed), not joined by a second one");
            assertEquals(1, h.core.closed.size());
            Nexus second = h.core.opened.get(1);
            assertEquals(ConnectionHarness.INITIATOR, second.initiatorName(), "the core sees the canonical name");
            assertEquals(h.core.opened.get(0), second, "one I_T nexus");
        }
    }

    @Test
    void abortTaskForAnUnknownTaskOutsideTheWindow_isTaskDoesNotExist() {
        h.login();
        h.send(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | 1).itt(11).i32(20, 99).cmdSn(1).i32(32, 500));
        assertEquals(1, h.one().u8(2));
    }

    @Test
    void abortTaskForACommandNotYetReceived_discardsItWhenItArrives() {
        h.login();
        // command 1 is still on its way; the immediate TMF carries the next CmdSN, 2 (RFC 7143 11.6.1 b)
        h.send(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | 1).itt(11).i32(20, 5).cmdSn(2).i32(32, 1));
        ReceivedPdu r = h.one();
        assertEquals(0, r.u8(2));
        assertEquals(2, r.expCmdSn()); // CmdSN 1 counts as received
        h.send(command(5, 1, F, 0, 0));
        assertTrue(h.received().isEmpty());
        h.send(command(6, 2, F, 0, 0));
        assertEquals(6, h.one().itt());
        assertTrue(h.core.tmfs.isEmpty());
    }

    @Test // found by ConnectionFuzzTest: the cancelled task left the ITT table, its window entry holds no buffer
    void abortTaskOfAWriteWaitingForItsTurn_releasesItsImmediateDataAtOnce_forItsTurnMayNeverCome() {
        h.login();
        io.netty.buffer.ByteBuf write = command(5, 2, F | W, 4096, write10(0, 8)).data(new byte[512]).build();
        h.sendRaw(write); // CmdSN 1 never comes: the write waits, keeping its immediate data
        assertTrue(h.received().isEmpty());
        h.send(abortTask(11, 5, 3, 2));
        assertEquals(0, h.one().u8(2), "FUNCTION COMPLETE");
        assertEquals(0, write.refCnt(), "the aborted command's immediate data is still held");
    }

    @Test
    void abortTaskForAnUnknownTask_notBelowTheTmfsOwnCmdSn_isTaskDoesNotExist() {
        h.login();
        // RefCmdSN 1 is inside [ExpCmdSN, MaxCmdSN] but not less than the TMF's CmdSN 1: 11.6.1 c
        h.send(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | 1).itt(11).i32(20, 5).cmdSn(1).i32(32, 1));
        ReceivedPdu r = h.one();
        assertEquals(1, r.u8(2));
        assertEquals(1, r.expCmdSn()); // not counted
        h.send(command(5, 1, F, 0, 0)); // not cancelled: it runs
        assertEquals(5, h.one().itt());
    }

    private static PduBuilder abortTask(int itt, int referencedTaskTag, int cmdSn, int refCmdSn) {
        return PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | 1).itt(itt).i32(20, referencedTaskTag)
                .cmdSn(cmdSn).i32(32, refCmdSn);
    }

    @Test // RFC 7143 11.5.1 b, 4.2.2.1
    void abortTaskForACmdSnNeverReceived_closesTheGap_soTheCommandsWaitingBehindItRun() {
        h.login();
        h.send(command(6, 2, F, 0, 0)); // CmdSN 1 never comes: 2 waits
        h.send(command(7, 3, F, 0, 0));
        assertTrue(h.received().isEmpty());
        h.send(abortTask(11, 5, 4, 1));
        List<ReceivedPdu> r = h.received();
        assertEquals(3, r.size(), "the commands behind the cancelled CmdSN never ran");
        assertEquals(Opcode.TASK_MGMT_RESPONSE, r.get(0).opcode());
        assertEquals(0, r.get(0).u8(2));
        assertEquals(2, r.get(0).expCmdSn(), "FUNCTION COMPLETE, but CmdSN 1 not counted as received");
        assertEquals(List.of(6, 7), List.of(r.get(1).itt(), r.get(2).itt()));
        assertEquals(4, r.get(2).expCmdSn());
        h.send(command(8, 4, F, 0, 0));
        assertEquals(8, h.one().itt());
    }

    @Test // issue 12: the gap an unknown opcode leaves (its CmdSN is not counted: 0x05) is closed the same way
    void abortTaskForTheCmdSnOfARejectedUnknownOpcode_letsTheNextCommandRun() {
        h.login();
        h.send(PduBuilder.pdu(0x1e).flags(F).itt(4).cmdSn(1));
        ReceivedPdu reject = h.one();
        assertEquals(0x05, reject.u8(2));
        assertEquals(1, reject.expCmdSn());
        h.send(abortTask(11, 4, 2, 1));
        ReceivedPdu r = h.one();
        assertEquals(0, r.u8(2));
        assertEquals(2, r.expCmdSn());
        h.send(command(5, 2, F, 0, 0));
        assertEquals(5, h.one().itt());
    }

    @Test // 11.5.1 b: "consider the CmdSN as received": a PDU sent later with it is a duplicate (4.2.2.1)
    void aCmdSnCancelledByAbortTask_isReceived_soAPduThatComesWithItLater_isDropped_andAskingAgainIsTaskDoesNotExist() {
        h.login();
        h.send(abortTask(11, 5, 3, 1));
        h.send(abortTask(12, 5, 3, 1)); // RefCmdSN 1 is behind ExpCmdSN now: 11.5.1 c
        h.send(abortTask(13, 6, 3, 2));
        List<ReceivedPdu> r = h.received();
        assertEquals(List.of(0, 1, 0), r.stream().map(p -> p.u8(2)).toList());
        assertEquals(3, r.get(2).expCmdSn());
        h.send(PduBuilder.pdu(Opcode.NOP_OUT).flags(F).itt(40).i32(20, Opcode.RESERVED_TAG).cmdSn(1));
        h.send(PduBuilder.pdu(Opcode.NOP_OUT).flags(F).itt(41).i32(20, Opcode.RESERVED_TAG).cmdSn(2));
        h.send(command(5, 1, F, 0, 0));
        assertTrue(h.received().isEmpty());
        h.send(command(7, 3, F, 0, 0));
        assertEquals(7, h.one().itt());
    }

    @Test
    void abortedTask_sendsNothing_andReopensTheWindow() {
        h.login();
        h.core.autoRun = false;
        h.send(command(1, 1, F, 0, 0));
        h.core.submitted.getFirst().aborted();
        assertTrue(h.received().isEmpty());
        h.core.autoRun = true;
        h.send(command(2, 2, F, 0, 0));
        assertEquals(3 + 128 - 1, h.one().maxCmdSn());
    }

    @Test
    void sendTargetsOnDiscoverySession_listsVisibleTargets() {
        h.discoveryLogin();
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(3).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .text("SendTargets=All"));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.TEXT_RESPONSE, r.opcode());
        assertEquals(List.of("TargetName=" + RamDiskCore.TARGET, "TargetAddress=127.0.0.1:3260,1"), r.pairs());
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(4).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .text("SendTargetsPlease=All"));
        assertEquals(List.of("SendTargetsPlease=NotUnderstood"), h.one().pairs());
    }

    @Test
    void sendTargetsWithAnInvalidValue_isAnsweredReject_andAnUnknownKeyStaysNotUnderstood() {
        h.discoveryLogin();
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(3).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .text("SendTargets=Alle"));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.TEXT_RESPONSE, r.opcode());
        assertEquals(List.of("SendTargets=Reject"), r.pairs());
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(4).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .text("SendTargetsPlease=Alle"));
        assertEquals(List.of("SendTargetsPlease=NotUnderstood"), h.one().pairs());
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(5).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .text("SendTargets=iqn.2026-11.org.example:nothing-here"));
        assertEquals(List.of(), h.one().pairs());
    }

    @Test
    void scsiCommandOnDiscoverySession_closes() {
        h.discoveryLogin();
        h.send(command(1, 1, F, 0, 0));
        assertFalse(h.open());
        assertTrue(h.core.opened.isEmpty());
    }

    @Test
    void unknownTarget_is0203_andDeniedInitiator_is0202() {
        h.send(h.loginPdu(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=iqn.nope"));
        assertEquals(0x0203, h.one().loginStatus());
        assertFalse(h.open());
        h.close();
        h = new ConnectionHarness("");
        h.send(h.loginPdu(0x87, "InitiatorName=" + RamDiskCore.DENIED, "TargetName=" + RamDiskCore.TARGET));
        assertEquals(0x0202, h.one().loginStatus());
    }

    @Test
    void oversizedLoginPdu_is0200AndCloses() {
        h.sendRaw(h.loginPdu(0x87).dataSegmentLength(65536).build());
        assertEquals(0x0200, h.one().loginStatus());
        assertFalse(h.open());
    }

    @Test
    void login_handsOverToTheFullFeatureHandler_whichTakesTheLoginHandlersPlaceInThePipeline() {
        assertTrue(h.channel.pipeline().get(LoginHandler.class) != null);
        h.login();
        assertTrue(h.channel.pipeline().get(LoginHandler.class) == null);
        assertTrue(h.channel.pipeline().get(FullFeatureHandler.class) != null);
        assertTrue(h.channel.pipeline().last() instanceof FullFeatureHandler, "the commands' handler is the last one");
    }

    @Test
    void commandsInTheSameReadAsTheFinalLoginRequest_reachTheFullFeaturePhase_withTheNegotiatedDigests() {
        h.send(h.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET,
                "SessionType=Normal", "AuthMethod=None"));
        assertEquals(0, h.one().loginStatus());
        io.netty.buffer.ByteBuf read = Unpooled.buffer();
        read.writeBytes(h.loginPdu(0x87, "HeaderDigest=CRC32C").build(false, false)); // the last PDU without digests
        read.writeBytes(command(1, 1, F, 0, 0).build(true, false)); // RFC 7143 13.1: digests from the next PDU on
        read.writeBytes(command(2, 2, F, 0, 0).build(true, false));
        h.sendRaw(read);
        h.channel.runPendingTasks();
        io.netty.buffer.ByteBuf out = Unpooled.buffer();
        Object m;
        while ((m = h.channel.readOutbound()) != null) {
            out.writeBytes((io.netty.buffer.ByteBuf) m);
            ((io.netty.buffer.ByteBuf) m).release();
        }
        assertEquals(Opcode.LOGIN_RESPONSE, out.getByte(out.readerIndex()) & 0x3f);
        assertEquals(0, out.getShort(out.readerIndex() + 36), "login refused");
        out.skipBytes(48 + ((out.getUnsignedMedium(out.readerIndex() + 5) + 3) & ~3));
        for (int itt = 1; itt <= 2; itt++) {
            assertEquals(Opcode.SCSI_RESPONSE, out.getByte(out.readerIndex()) & 0x3f);
            assertEquals(itt, out.getInt(out.readerIndex() + 16));
            out.skipBytes(48 + 4); // with its header digest
        }
        assertEquals(0, out.readableBytes());
        out.release();
        assertTrue(h.open());
    }

    @Test
    void nonLoginPduBeforeLogin_closes() {
        h.send(command(1, 1, F, 0, 0));
        assertFalse(h.open());
    }

    @Test
    void sessionReinstatement_closesTheOldSessionFirst() {
        h.login();
        try (ConnectionHarness second = new ConnectionHarness(h.core, "", h.context)) {
            second.login();
            assertEquals(1, h.core.closed.size());
            assertEquals(2, h.core.opened.size());
            assertFalse(h.open());
            assertTrue(second.open());
        }
    }

    @Test
    void sessionReinstatement_waitsForTheEngine_evenWhenTheOldConnectionDrops() {
        h.login();
        h.core.deferClose = true;
        try (ConnectionHarness second = new ConnectionHarness(h.core, "", h.context)) {
            second.send(second.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR,
                    "TargetName=" + RamDiskCore.TARGET, "SessionType=Normal", "AuthMethod=None"));
            assertEquals(0, second.one().loginStatus());
            second.send(second.loginPdu(0x87));
            assertEquals(1, h.core.pendingCloses.size()); // displacement started the old session's close
            h.channel.close(); // the old TCP connection drops while the engine still quiesces it
            assertFalse(h.open());
            assertEquals(1, h.core.opened.size(), "new session opened before the old one was quiesced");
            assertTrue(second.received().isEmpty());
            h.core.pendingCloses.forEach(Runnable::run);
            assertEquals(2, h.core.opened.size());
            assertEquals(0, second.one().loginStatus());
        }
    }

    @Test
    void shutdownDuringLogout_waitsForTheEngine() {
        h.core.deferClose = true;
        h.login();
        h.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(F).itt(9).cmdSn(1));
        var closed = h.connection.shutdown().toCompletableFuture();
        h.channel.close();
        assertFalse(closed.isDone(), "shutdown completed before the engine closed the session");
        assertEquals(1, h.core.closed.size()); // one close, joined by the others
        h.core.pendingCloses.forEach(Runnable::run);
        assertTrue(closed.isDone());
    }

    @Test
    void textIttChangingMidSequence_isProtocolErrorReject() {
        h.discoveryLogin();
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(0x40).itt(3).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .data("SendTar".getBytes()));
        assertEquals(Opcode.TEXT_RESPONSE, h.one().opcode());
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(4).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .data("gets=All\0".getBytes()));
        assertReject(0x04);
    }

    @Test
    void loginNotFinishedByTheDeadline_isClosed() {
        h.close();
        h = new ConnectionHarness("login-timeout = 2s");
        h.send(h.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET));
        assertEquals(0, h.one().loginStatus());
        h.channel.advanceTimeBy(3, java.util.concurrent.TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertFalse(h.open());
    }

    @Test
    void longTextAnswers_leaveInPiecesTheInitiatorAsksFor() {
        h.close();
        var core = new RamDiskCore(1, Runnable::run);
        var portals = new java.util.ArrayList<java.net.InetSocketAddress>();
        for (int i = 0; i < 20; i++) {
            portals.add(new java.net.InetSocketAddress("10.0.0." + (i + 1), 3260));
        }
        var ctx = new TargetContext(core, org.scstj.transports.iscsi.config.IscsiSettings.from(
                com.typesafe.config.ConfigFactory.empty()), new SessionRegistry(), () -> java.util.Map.of(1, portals),
                java.util.concurrent.ConcurrentHashMap.newKeySet());
        h = new ConnectionHarness(core, "", ctx);
        h.send(h.loginPdu(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "SessionType=Discovery",
                "MaxRecvDataSegmentLength=512"));
        assertEquals(0, h.one().loginStatus());
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(3).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .text("SendTargets=All"));
        StringBuilder all = new StringBuilder();
        ReceivedPdu r = h.one();
        while ((r.flags() & 0x40) != 0) { // C: more to come
            assertEquals(512, r.data().length);
            assertFalse((r.flags() & 0x80) != 0);
            all.append(new String(r.data()));
            h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(F).itt(3).i32(20, r.i32(20)).cmdSn(1));
            r = h.one();
        }
        assertTrue((r.flags() & 0x80) != 0);
        assertEquals(Opcode.RESERVED_TAG, r.i32(20));
        all.append(new String(r.data()));
        assertEquals(21, all.toString().split("\0").length);
        assertTrue(all.toString().contains("TargetAddress=10.0.0.20:3260,1"));
    }

    @Test
    void unreleasedBuffers_areNone() {
        h.login("InitialR2T=No");
        h.core.autoRun = false;
        h.send(command(1, 1, W, 4096, write10(0, 8)).data(new byte[512]));
        h.send(command(2, 3, F, 0, 0)); // queued out of order
        h.channel.close(); // the early data and the queued PDU are released (paranoid leak detection watches)
        assertFalse(h.open());
        assertEquals(Unpooled.EMPTY_BUFFER.refCnt(), 1);
    }

    @Test
    void largeReadFromAFileSegment_goesOutAsFileRegions_inMaxRecvDataSegmentLengthPdus() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("scstj-zero-copy", ".img");
        byte[] content = pattern(200_000, 3);
        java.nio.file.Files.write(file, content);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            h.login("MaxRecvDataSegmentLength=65536");
            h.core.autoRun = false;
            int length = 131_070; // not a multiple of 4: the last PDU is padded
            h.send(command(1, 1, F | R, length, read10(0, 256)));
            h.received();
            var task = h.core.submitted.getFirst();
            assertEquals(64 * 1024, task.zeroCopyMinLength(), "the default threshold, with DataDigest=None");
            h.channel.eventLoop().execute(() -> task.complete(
                    org.scstj.engine.spi.ScsiResponse.good(new org.scstj.engine.spi.FileSegment(ch, 1000, length), 131_072)));
            List<ReceivedPdu> pdus = h.received();
            assertEquals(2, pdus.size(), "65536 + 65534 bytes in two Data-In PDUs, status in the last");
            assertEquals(0x81 | 0x04, pdus.get(1).u8(1), "F, S and overflow: the CDB asked for 2 bytes more than EDTL");
            assertEquals(2, pdus.get(1).i32(44));
            byte[] got = new byte[length];
            int at = 0;
            for (ReceivedPdu p : pdus.subList(0, 2)) {
                assertEquals(Opcode.DATA_IN, p.opcode());
                System.arraycopy(p.data(), 0, got, at, p.data().length);
                at += p.data().length;
            }
            assertEquals(length, at);
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 1000, 1000 + length), got);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void withDataDigest_theTransportWantsTheBytes_neverAFileSegment() {
        h.login("DataDigest=CRC32C");
        h.dataDigest(true);
        h.core.autoRun = false;
        h.send(command(1, 1, F | R, 512, read10(0, 1)));
        assertEquals(Integer.MAX_VALUE, h.core.submitted.getFirst().zeroCopyMinLength());
    }

    /** Receives the write data of the first submitted task (the core does not run it). */
    private void takeWriteData(int length, org.scstj.engine.spi.DataBuffer[] got) {
        h.core.submitted.getFirst().receiveData(length, new org.scstj.engine.spi.TransportTask.DataReceiver() {
            @Override public void received(org.scstj.engine.spi.DataBuffer data) { got[0] = data; }
            @Override public void failed(Throwable cause) { throw new AssertionError(cause); }
        });
    }

    private static byte[] bytesOf(org.scstj.engine.spi.DataBuffer d) {
        byte[] b = new byte[d.length()];
        int at = 0;
        for (java.nio.ByteBuffer piece : d.nioBuffers()) {
            int n = piece.remaining();
            piece.get(b, at, n);
            at += n;
        }
        assertEquals(d.length(), at);
        return b;
    }

    @Test
    void writeDataArrivingInOrder_reachesTheCoreAsThePdusOwnPieces_notCopied() {
        h.login("InitialR2T=No", "ImmediateData=Yes", "FirstBurstLength=32768", "MaxBurstLength=65536",
                "MaxRecvDataSegmentLength=16384");
        h.core.autoRun = false;
        byte[] data = pattern(65536, 9);
        h.send(command(1, 1, W, 65536, write10(0, 128)).data(Arrays.copyOf(data, 16384)));
        h.send(dataOut(1, Opcode.RESERVED_TAG, 16384, true, Arrays.copyOfRange(data, 16384, 32768)));
        h.received();
        org.scstj.engine.spi.DataBuffer[] got = new org.scstj.engine.spi.DataBuffer[1];
        h.channel.eventLoop().execute(() -> takeWriteData(65536, got));
        ReceivedPdu r2t = h.one();
        assertEquals(Opcode.R2T, r2t.opcode());
        h.send(dataOut(1, r2t.i32(20), 32768, false, Arrays.copyOfRange(data, 32768, 49152)));
        h.send(dataOut(1, r2t.i32(20), 49152, true, Arrays.copyOfRange(data, 49152, 65536), 1));
        h.channel.runPendingTasks();
        assertEquals(4, got[0].nioBuffers().length, "immediate, unsolicited and two solicited pieces");
        assertArrayEquals(data, bytesOf(got[0]));
        got[0].release();
    }

    @Test
    void smallWriteDataInSeveralPieces_becomesOneBuffer_oneDeviceWrite() {
        h.login("InitialR2T=No", "ImmediateData=Yes", "FirstBurstLength=8192", "MaxRecvDataSegmentLength=4096");
        h.core.autoRun = false;
        byte[] data = pattern(8192, 2);
        h.send(command(1, 1, W, 8192, write10(0, 16)).data(Arrays.copyOf(data, 4096)));
        h.send(dataOut(1, Opcode.RESERVED_TAG, 4096, true, Arrays.copyOfRange(data, 4096, 8192)));
        h.received();
        org.scstj.engine.spi.DataBuffer[] got = new org.scstj.engine.spi.DataBuffer[1];
        h.channel.eventLoop().execute(() -> takeWriteData(8192, got));
        h.channel.runPendingTasks();
        assertEquals(1, got[0].nioBuffers().length, "8 KiB in two PDUs: copied into one buffer");
        assertArrayEquals(data, bytesOf(got[0]));
        got[0].release();
    }

    @Test
    void writeDataArrivingOutOfOrder_acrossOutstandingR2ts_isAssembledByOffset() {
        h.close();
        h = new ConnectionHarness("negotiation.max-outstanding-r2t = 2");
        h.login("InitialR2T=Yes", "ImmediateData=No", "MaxBurstLength=4096", "MaxOutstandingR2T=2",
                "MaxRecvDataSegmentLength=4096");
        h.core.autoRun = false;
        byte[] data = pattern(8192, 4);
        h.send(command(1, 1, F | W, 8192, write10(0, 16)));
        h.received();
        org.scstj.engine.spi.DataBuffer[] got = new org.scstj.engine.spi.DataBuffer[1];
        h.channel.eventLoop().execute(() -> takeWriteData(8192, got));
        List<ReceivedPdu> r2ts = h.received();
        assertEquals(2, r2ts.size(), "two R2Ts outstanding at once");
        // the second burst's data comes first
        h.send(dataOut(1, r2ts.get(1).i32(20), 4096, true, Arrays.copyOfRange(data, 4096, 8192)));
        h.send(dataOut(1, r2ts.get(0).i32(20), 0, true, Arrays.copyOfRange(data, 0, 4096)));
        h.channel.runPendingTasks();
        assertArrayEquals(data, bytesOf(got[0]));
        got[0].release();
    }

    @Test
    void tinyDataOutPieces_areCopiedIntoOneBuffer_ratherThanPinningAReceiveBufferEach() {
        h.login("InitialR2T=Yes", "ImmediateData=No", "MaxBurstLength=262144", "MaxRecvDataSegmentLength=262144");
        h.core.autoRun = false;
        byte[] data = pattern(2048, 5);
        h.send(command(1, 1, F | W, 2048, write10(0, 4)));
        h.received();
        org.scstj.engine.spi.DataBuffer[] got = new org.scstj.engine.spi.DataBuffer[1];
        h.channel.eventLoop().execute(() -> takeWriteData(2048, got));
        int ttt = h.one().i32(20);
        for (int i = 0; i < 512; i++) { // 4-byte Data-Out PDUs: more pieces than a composite may hold
            h.send(dataOut(1, ttt, i * 4, i == 511, Arrays.copyOfRange(data, i * 4, i * 4 + 4), i));
        }
        h.channel.runPendingTasks();
        assertEquals(1, got[0].nioBuffers().length);
        assertArrayEquals(data, bytesOf(got[0]));
        got[0].release();
    }
}
