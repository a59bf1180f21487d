package org.scstj.transports.iscsi.conn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.TmfRequest;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.command;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.dataOut;

/** Sessions with several connections (RFC 7143 4.3, 6.3.3, 11.14): connections are EmbeddedChannels sharing one TargetContext. */
class IscsiSessionTest {
    private static final int F = 0x80;
    private static final int W = 0x20;
    private static final int R = 0x40;
    private final ConnectionHarness h1 = new ConnectionHarness("negotiation.max-connections = 4");
    private final List<ConnectionHarness> others = new ArrayList<>();

    @AfterEach
    void tearDown() {
        others.forEach(ConnectionHarness::close);
        h1.close();
    }

    private ConnectionHarness connection() {
        ConnectionHarness h = new ConnectionHarness(h1.core, null, h1.context);
        others.add(h);
        return h;
    }

    /** h1 opens the session offering MaxConnections=4 (CID 1); returns its TSIH. */
    private int openSession() {
        ReceivedPdu r = h1.login(0, 1, "MaxConnections=4");
        assertEquals(0, r.loginStatus());
        assertEquals(List.of("MaxConnections=4"), r.pairs().stream().filter(p -> p.startsWith("MaxConnections")).toList());
        int tsih = r.u16(14);
        assertNotEquals(0, tsih);
        return tsih;
    }

    private ConnectionHarness join(int tsih, int cid) {
        ConnectionHarness h = connection();
        ReceivedPdu r = h.login(tsih, cid);
        assertEquals(0, r.loginStatus(), "join refused");
        assertEquals(3, r.flags() & 3);
        assertEquals(tsih, r.u16(14));
        return h;
    }

    private static PduBuilder logout(int itt, int cmdSn, int reason, int cid) {
        return PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(F | reason).itt(itt).cmdSn(cmdSn).u16(20, cid);
    }

    private static int[] write10(int lba, int blocks) {
        return new int[]{0x2a, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    private static int[] read10(int lba, int blocks) {
        return new int[]{0x28, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, blocks >> 8, blocks};
    }

    @Test
    void loginWithTheSessionsTsih_addsAConnection_toTheSameNexus() {
        int tsih = openSession();
        join(tsih, 2);
        assertEquals(1, h1.core.opened.size());
    }

    @Test
    void cmdSnOrder_spansConnections_eachAnswersOnItsOwnWithItsOwnStatSn() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(command(2, 2, F, 0, 0)); // ahead of ExpCmdSN 1: waits for CmdSN 1 from the other connection
        assertTrue(h2.received().isEmpty());
        h1.send(command(1, 1, F, 0, 0));
        ReceivedPdu r1 = h1.one();
        ReceivedPdu r2 = h2.one();
        assertEquals(1, r1.itt());
        assertEquals(2, r2.itt());
        assertEquals(2, r1.statSn()); // h1: two login responses, StatSN 0 and 1
        assertEquals(2, r2.statSn()); // h2 counts its own (3.2.2.2)
        assertEquals(3, r2.expCmdSn());
    }

    @Test
    void unknownTsih_is020A_sessionDoesNotExist() {
        ReceivedPdu r = connection().login(0x4242, 2);
        assertEquals(0x020A, r.loginStatus());
    }

    @Test
    void tsihOfAnotherIsid_is020A() {
        int tsih = openSession();
        ConnectionHarness h2 = connection();
        h2.send(h2.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET,
                "AuthMethod=None").u16(8, 0x8001).u16(14, tsih).u16(20, 2));
        assertEquals(0x020A, h2.one().loginStatus());
    }

    @Test
    void connectionsBeyondMaxConnections_are0206_tooManyConnections() {
        ReceivedPdu r = h1.login(0, 1, "MaxConnections=2");
        assertEquals(0, r.loginStatus());
        int tsih = r.u16(14);
        join(tsih, 2);
        ConnectionHarness h3 = connection();
        assertEquals(0x0206, h3.login(tsih, 3).loginStatus());
        assertFalse(h3.open());
    }

    @Test
    void anIttInUseOnAnotherConnection_isRejected() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h1.core.autoRun = false;
        h1.send(command(5, 1, F, 0, 0));
        h2.send(command(5, 2, F, 0, 0));
        ReceivedPdu r = h2.one();
        assertEquals(Opcode.REJECT, r.opcode());
        assertEquals(0x09, r.u8(2)); // ITTs are unique per session
    }

    @Test
    void dataOutOnAnotherConnection_isAProtocolError_andTheWriteCompletesOnItsOwn() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h1.send(command(1, 1, F | W, 512, write10(3, 1)));
        ReceivedPdu r2t = h1.one();
        assertEquals(Opcode.R2T, r2t.opcode());
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x5a);
        h2.send(dataOut(1, r2t.i32(20), 0, true, data));
        ReceivedPdu reject = h2.one();
        assertEquals(Opcode.REJECT, reject.opcode());
        assertEquals(0x04, reject.u8(2));
        h1.send(dataOut(1, r2t.i32(20), 0, true, data));
        assertEquals(Opcode.SCSI_RESPONSE, h1.one().opcode());
        assertArrayEquals(data, Arrays.copyOfRange(h1.core.disk, 3 * 512, 4 * 512));
    }

    @Test
    void readDataIn_goesOnTheCommandsConnection() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        Arrays.fill(h1.core.disk, 0, 512, (byte) 7);
        h2.send(command(1, 1, F | R, 512, read10(0, 1)));
        ReceivedPdu in = h2.one();
        assertEquals(Opcode.DATA_IN, in.opcode());
        assertEquals(7, in.data()[0]);
        assertTrue(h1.received().isEmpty());
    }

    @Test
    void abortTaskOnOneConnection_reachesATaskOfAnother() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h1.core.autoRun = false;
        h1.send(command(7, 1, F, 0, 0));
        h2.send(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(F | 1).itt(11).i32(20, 7).cmdSn(2).i32(32, 1));
        assertEquals(Opcode.TASK_MGMT_RESPONSE, h2.one().opcode());
        assertEquals(TmfRequest.Function.ABORT_TASK, h1.core.tmfs.getLast().function());
        assertEquals(7, h1.core.tmfs.getLast().referencedTag());
    }

    @Test
    void nopOnAnyConnection_isAnsweredThere() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(PduBuilder.immediate(Opcode.NOP_OUT).flags(F).itt(3).i32(20, Opcode.RESERVED_TAG).cmdSn(1));
        assertEquals(Opcode.NOP_IN, h2.one().opcode());
        assertTrue(h1.received().isEmpty());
    }

    @Test
    void logoutReason1_forAnotherCid_closesThatConnectionOnly() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(logout(9, 1, 1, 1));
        ReceivedPdu r = h2.one();
        assertEquals(Opcode.LOGOUT_RESPONSE, r.opcode());
        assertEquals(0, r.u8(2));
        assertFalse(h1.open());
        assertTrue(h2.open());
        assertTrue(h1.core.closed.isEmpty());
        h2.send(command(1, 1, F, 0, 0));
        assertEquals(Opcode.SCSI_RESPONSE, h2.one().opcode());
    }

    @Test
    void logoutReason1_ofItsOwnConnection_answersThenClosesIt_theSessionGoesOn() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(logout(9, 1, 1, 2));
        assertEquals(0, h2.one().u8(2));
        assertFalse(h2.open());
        assertTrue(h1.core.closed.isEmpty());
        h1.send(command(1, 1, F, 0, 0));
        assertEquals(Opcode.SCSI_RESPONSE, h1.one().opcode());
    }

    @Test
    void logoutReason1_forAnUnknownCid_isCidNotFound() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(logout(9, 1, 1, 7));
        assertEquals(1, h2.one().u8(2));
        assertTrue(h1.open());
        assertTrue(h2.open());
    }

    @Test
    void logoutReason0_closesTheSessionAndEveryConnection() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(logout(9, 1, 0, 2));
        assertEquals(0, h2.one().u8(2));
        assertFalse(h2.open());
        assertFalse(h1.open());
        assertEquals(1, h1.core.closed.size());
    }

    @Test
    void logoutReason2_isRecoveryNotSupported_belowErl2() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h2.send(logout(9, 1, 2, 1));
        assertEquals(2, h2.one().u8(2));
        assertTrue(h1.open());
    }

    @Test
    void losingOneConnection_terminatesItsTasksThroughTheEngine_theSessionGoesOn() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h1.core.autoRun = false;
        h2.send(command(4, 1, F, 0, 0));
        h2.channel.close();
        assertEquals(TmfRequest.Function.ABORT_TASK, h1.core.tmfs.getLast().function());
        assertEquals(4, h1.core.tmfs.getLast().referencedTag());
        assertTrue(h1.core.closed.isEmpty());
        h1.core.execute(h1.core.submitted.getFirst()); // it completes late: nothing is sent, its ITT is free again
        h1.core.autoRun = true;
        h1.send(command(4, 2, F, 0, 0));
        ReceivedPdu r = h1.one();
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
        assertEquals(4, r.itt());
    }

    @Test
    void losingTheLastConnection_endsTheSession() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        h1.channel.close();
        assertTrue(h1.core.closed.isEmpty());
        h2.channel.close();
        assertEquals(1, h1.core.closed.size());
        assertEquals(0x020A, connection().login(tsih, 3).loginStatus());
    }

    @Test
    void theSameCidAgain_replacesTheOldConnection() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        ConnectionHarness again = join(tsih, 2);
        assertFalse(h2.open());
        assertTrue(h1.open());
        again.send(command(1, 1, F, 0, 0));
        assertEquals(Opcode.SCSI_RESPONSE, again.one().opcode());
        assertTrue(h1.core.closed.isEmpty());
    }

    @Test
    void reinstatement_closesTheOldSessionWithAllItsConnections_beforeTheNewOneOpens() {
        int tsih = openSession();
        ConnectionHarness h2 = join(tsih, 2);
        ConnectionHarness fresh = connection();
        assertEquals(0, fresh.login(0, 1).loginStatus());
        assertFalse(h1.open());
        assertFalse(h2.open());
        assertEquals(1, h1.core.closed.size());
        assertEquals(2, h1.core.opened.size());
        assertEquals(0x020A, connection().login(tsih, 3).loginStatus());
    }
}
