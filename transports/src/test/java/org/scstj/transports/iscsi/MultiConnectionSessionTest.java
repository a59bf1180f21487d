package org.scstj.transports.iscsi;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.initiator.Connection;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Pdu;
import org.scstj.transports.iscsi.initiator.Pdus;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static byte[] rw10(int opcode, int lba, int blocks) {
        return new byte[]{(byte) opcode, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba,
                0, (byte) (blocks >>> 8), (byte) blocks, 0};
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
                ScsiResult w = s.scsi(s.connection(i % 4), 0, rw10(0x2a, i * 8, 8), written[i], 0, T);
                assertTrue(w.good(), w.toString());
            }
            for (int i = 0; i < 16; i++) {
                ScsiResult r = s.scsi(s.connection((i + 1) % 4), 0, rw10(0x28, i * 8, 8), null, 8 * RamDiskCore.BLOCK, T);
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
            assertTrue(s.scsiWrite(0, rw10(0x2a, 5, 1), data, T).good());
            int[] cmdSn = new int[4];
            int[] itt = new int[4];
            for (int i = 0; i < 4; i++) {
                cmdSn[i] = s.takeCmdSn(false);
                itt[i] = s.newItt();
            }
            for (int i = 3; i >= 0; i--) { // the highest CmdSN first: the target holds them until the gap fills
                Connection c = s.connection(i);
                c.send(Pdus.scsiCommand(itt[i], Pdus.lun(0), rw10(0x28, 5, 1), true, false, RamDiskCore.BLOCK,
                        cmdSn[i], c.expStatSn(), true));
            }
            long deadline = System.nanoTime() + T.toNanos();
            for (int i = 0; i < 4; i++) {
                Pdu in = s.awaitTask(s.connection(i), itt[i], deadline); // allegiance: on the connection it came on
                assertEquals(Pdu.DATA_IN, in.opcode());
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
            assertTrue(s.scsi(s.connection(2), 0, rw10(0x2a, 9, 1), data, 0, T).good());
            assertArrayEquals(data, s.scsi(s.connection(1), 0, rw10(0x28, 9, 1), null, data.length, T).data());
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
                assertTrue(s.scsi(0, rw10(0x28, 0, 1), RamDiskCore.BLOCK, T).good());
            }
        }
    }
}
