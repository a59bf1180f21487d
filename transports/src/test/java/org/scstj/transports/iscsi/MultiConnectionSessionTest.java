package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.Connection;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Pdu;
import org.scstj.transports.iscsi.initiator.Pdus;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sessions with several TCP connections (MC/S, RFC 7143 4.3) against the real driver on
 * 127.0.0.1, driven by the project's initiator. The driver has two worker loops, so added
 * connections usually arrive on another loop than the session's and are moved onto it at login.
 */
class MultiConnectionSessionTest {
    private static final String INITIATOR = "iqn.2026-11.test:mcs";
    private static final Duration T = Duration.ofSeconds(10);
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private RamDiskCore core;
    private IscsiTargetDriver driver;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        core = new RamDiskCore(256, coreThread); // commands complete off the event loop
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:0\"], negotiation.max-connections = 4, "
                        + "negotiation.max-recv-data-segment-length = 4096")));
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        address = driver.boundAddresses().getFirst();
    }

    @AfterEach
    void stop() throws Exception {
        driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        coreThread.shutdownNow();
    }

    private static LoginSpec spec() {
        return LoginSpec.normal(INITIATOR, RamDiskCore.TARGET).key("MaxConnections", "4");
    }

    private Session fourConnections(LoginSpec spec) throws Exception {
        Session s = Session.open(address, spec, T);
        assertEquals(4, s.negotiated().maxConnections());
        for (int cid = 2; cid <= 4; cid++) {
            s.addConnection(cid, null, T);
        }
        return s;
    }

    @Test
    void fourConnections_writesAndReadsInterleavedAcrossThem_landWhole() throws Exception {
        try (Session s = fourConnections(spec())) {
            assertEquals(1, core.opened.size());
            Random random = new Random(4);
            byte[][] written = new byte[16][];
            for (int i = 0; i < 16; i++) { // CmdSN i+1 on connection i % 4: the session's numbering spans them
                written[i] = new byte[8 * RamDiskCore.BLOCK];
                random.nextBytes(written[i]);
                ScsiResult w = s.scsi(s.connection(i % 4), 0, Cdbs.write10(i * 8, 8), written[i], 0, T);
                assertTrue(w.good(), w.toString());
            }
            for (int i = 0; i < 16; i++) {
                ScsiResult r = s.scsi(s.connection((i + 1) % 4), 0, Cdbs.read10(i * 8, 8), null, 8 * RamDiskCore.BLOCK, T);
                assertTrue(r.good(), r.toString());
                assertArrayEquals(written[i], r.data(), "blocks " + i * 8);
            }
        }
    }

    @Test
    void commandsArrivingOutOfCmdSnOrderOnDifferentConnections_runInCmdSnOrder() throws Exception {
        try (Session s = fourConnections(spec())) {
            byte[] data = new byte[RamDiskCore.BLOCK];
            new Random(7).nextBytes(data);
            assertTrue(s.scsiWrite(0, Cdbs.write10(5, 1), data, T).good());
            int[] cmdSn = new int[4];
            int[] itt = new int[4];
            for (int i = 0; i < 4; i++) {
                cmdSn[i] = s.takeCmdSn(false);
                itt[i] = s.newItt();
            }
            for (int i = 3; i >= 0; i--) { // the highest CmdSN first: the target holds them until the gap fills
                Connection c = s.connection(i);
                c.send(Pdus.scsiCommand(itt[i], Pdus.lun(0), Cdbs.read10(5, 1), true, false, RamDiskCore.BLOCK,
                        cmdSn[i], c.expStatSn(), true));
            }
            long deadline = System.nanoTime() + T.toNanos();
            for (int i = 0; i < 4; i++) {
                Pdu in = s.awaitTask(s.connection(i), itt[i], deadline); // allegiance: on the connection it came on
                assertEquals(Opcode.DATA_IN, in.opcode());
                assertArrayEquals(data, in.data());
            }
        }
    }

    @Test
    void loggingOutOneConnection_leavesTheOthersWorking() throws Exception {
        try (Session s = fourConnections(spec())) {
            Connection second = s.connection(1);
            Pdu r = s.logout(s.connection(0), 1, second.cid(), T); // close CID 2 from CID 1 (11.14.1)
            assertEquals(0, r.response());
            assertTrue(second.closedByTargetWithin(T));
            s.drop(second);
            byte[] data = new byte[RamDiskCore.BLOCK];
            Arrays.fill(data, (byte) 0x33);
            assertTrue(s.scsi(s.connection(2), 0, Cdbs.write10(9, 1), data, 0, T).good());
            assertArrayEquals(data, s.scsi(s.connection(1), 0, Cdbs.read10(9, 1), null, data.length, T).data());
            assertTrue(core.closed.isEmpty());
        }
    }

    @Test
    void aFifthConnection_isRefusedWith0206() throws Exception {
        try (Session s = fourConnections(spec())) {
            var refused = assertThrows(org.scstj.transports.iscsi.initiator.LoginException.class,
                    () -> s.addConnection(5, null, T));
            assertEquals(0x0206, refused.status());
        }
    }

    @Test
    void reinstatement_closesEveryOldConnection_andTheOldSessionBeforeTheNewOneOpens() throws Exception {
        core.deferClose = true;
        LoginSpec spec = spec();
        try (Session old = fourConnections(spec)) {
            CompletableFuture<Session> fresh = CompletableFuture.supplyAsync(() -> {
                try {
                    return Session.open(address, spec.copy().tsih(0), T);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // the engine has not finished closing the old session: the new one is not opened yet
            assertThrows(TimeoutException.class, () -> fresh.get(300, TimeUnit.MILLISECONDS));
            assertEquals(1, core.opened.size());
            assertEquals(1, core.closed.size());
            core.pendingCloses.forEach(Runnable::run);
            core.deferClose = false;
            for (int i = 0; i < 4; i++) {
                assertTrue(old.connection(i).closedByTargetWithin(T));
            }
            try (Session s = fresh.get(10, TimeUnit.SECONDS)) {
                assertEquals(2, core.opened.size());
                assertTrue(s.scsi(0, Cdbs.read10(0, 1), RamDiskCore.BLOCK, T).good());
            }
        }
    }

    /** An ERL 2 session, solicited writes only (each write waits for an R2T), on a driver with Time2Retain {@code retain}. */
    private Session erl2Session(int retain) throws Exception {
        driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:0\"], negotiation.max-connections = 4, negotiation.error-recovery-level = 2, "
                        + "negotiation.default-time2retain = " + retain + ", negotiation.default-time2wait = 0")));
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        address = driver.boundAddresses().getFirst();
        Session s = Session.open(address, spec().key("ErrorRecoveryLevel", "2").key("InitialR2T", "Yes")
                .key("ImmediateData", "No").key("DefaultTime2Retain", Integer.toString(retain))
                .key("DefaultTime2Wait", "0"), T);
        assertEquals(2, s.negotiated().errorRecoveryLevel());
        return s;
    }

    @Test
    void erl2_aConnectionKilledMidWrite_reconnectAndTaskReassign_theWriteLandsWhole() throws Exception {
        try (Session s = erl2Session(20)) {
            s.addConnection(2, null, T);
            byte[] data = new byte[64 * 1024];
            new Random(2).nextBytes(data);
            Connection first = s.connection(0);
            int itt = s.newItt();
            int cmdSn = s.takeCmdSn(false);
            first.send(Pdus.scsiCommand(itt, Pdus.lun(0), Cdbs.write10(16, data.length / RamDiskCore.BLOCK), false, true,
                    data.length, cmdSn, first.expStatSn(), true));
            long deadline = System.nanoTime() + T.toNanos();
            Pdu r2t = s.awaitTask(first, itt, deadline);
            assertEquals(Opcode.R2T, r2t.opcode());
            int half = 16 * 1024; // two of the R2T's Data-Outs, then the connection dies
            for (int offset = 0; offset < half; offset += 8192) {
                first.send(Pdus.dataOut(itt, Pdus.lun(0), r2t.ttt(), offset / 8192, offset,
                        Arrays.copyOfRange(data, offset, offset + 8192), false, first.expStatSn()));
            }
            s.ping(first, new byte[0], T); // answered after the Data-Outs before it were taken in
            first.kill();
            s.drop(first);
            Connection again = s.reconnect(1, s.tsih(), T); // the same CID: the old one is logged out implicitly
            assertEquals(0, s.taskManagement(again, 8, 0, itt, cmdSn, 0, T)); // TASK REASSIGN
            while (true) { // recovery R2Ts for what did not arrive, then the status, all on the new connection
                Pdu p = s.awaitTask(again, itt, deadline);
                if (p.opcode() == Opcode.SCSI_RESPONSE) {
                    assertEquals(0, p.status());
                    break;
                }
                assertEquals(Opcode.R2T, p.opcode(), p.toString());
                int offset = p.i32(40);
                assertTrue(offset >= half, "only data not received is asked for again: " + offset);
                int length = p.i32(44);
                for (int sent = 0, sn = 0; sent < length; sent += 8192, sn++) {
                    int n = Math.min(8192, length - sent);
                    again.send(Pdus.dataOut(itt, Pdus.lun(0), p.ttt(), sn, offset + sent,
                            Arrays.copyOfRange(data, offset + sent, offset + sent + n), sent + n == length,
                            again.expStatSn()));
                }
            }
            ScsiResult back = s.scsi(s.connection(0), 0, Cdbs.read10(16, data.length / RamDiskCore.BLOCK), null,
                    data.length, T);
            assertArrayEquals(data, back.data());
            assertTrue(core.closed.isEmpty());
        }
    }

    @Test
    void erl2_theLastConnectionLost_theSessionEndsAfterTime2Retain_abortingWhatWasLeft() throws Exception {
        try (Session s = erl2Session(1)) {
            Connection only = s.connection(0);
            int itt = s.newItt();
            only.send(Pdus.scsiCommand(itt, Pdus.lun(0), Cdbs.write10(0, 8), false, true, 8 * RamDiskCore.BLOCK,
                    s.takeCmdSn(false), only.expStatSn(), true));
            assertEquals(Opcode.R2T, s.awaitTask(only, itt, System.nanoTime() + T.toNanos()).opcode());
            only.kill();
            assertTrue(core.closed.isEmpty(), "kept for Time2Retain");
            assertEquals(1, core.awaitClosed(1, T), "closed through the engine once Time2Retain (1 s) passed");
            assertTrue(core.tmfs.stream().anyMatch(t -> t.function() == org.scstj.engine.spi.TmfRequest.Function.ABORT_TASK
                    && t.referencedTag() == Integer.toUnsignedLong(itt)));
        }
    }
}
