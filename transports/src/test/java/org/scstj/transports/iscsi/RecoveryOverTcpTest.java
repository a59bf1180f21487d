package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.RamDiskCore;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** NOP-In pings (RFC 7143 11.19) and the logout request at stop (11.9.1) over real sockets. */
class RecoveryOverTcpTest {
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private RamDiskCore core;
    private IscsiTargetDriver driver;
    private InetSocketAddress address;

    private void start(String config) throws Exception {
        core = new RamDiskCore(64, coreThread);
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:0\"]\n" + config)));
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

    private IscsiTargetDriverTest.Client loggedIn() throws Exception {
        IscsiTargetDriverTest.Client c = new IscsiTargetDriverTest.Client(address);
        c.send(PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(0x87).u16(8, 0x8000).i32(10, 7).itt(1).cmdSn(1)
                .text("InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET));
        assertEquals(0, c.read().loginStatus());
        return c;
    }

    /** Waits (bounded) for the core to see the session closed. */
    private void awaitSessionClosed() throws InterruptedException {
        assertEquals(1, core.awaitClosed(1, java.time.Duration.ofSeconds(5)));
    }

    @Test
    void vanishedInitiator_isClosedAfterTheNopInTimeout_andItsSessionEnds() throws Exception {
        start("nop-in-interval = 200ms\nnop-in-timeout = 300ms");
        try (var c = loggedIn()) {
            ReceivedPdu ping = c.read();
            assertEquals(Opcode.NOP_IN, ping.opcode());
            assertEquals(Opcode.RESERVED_TAG, ping.itt());
            assertEquals(-1, c.in.read()); // never answered: the target closes
            awaitSessionClosed();
        }
    }

    @Test
    void initiatorAnsweringPings_staysConnected() throws Exception {
        start("nop-in-interval = 100ms\nnop-in-timeout = 300ms");
        try (var c = loggedIn()) {
            for (int i = 0; i < 5; i++) {
                ReceivedPdu ping = c.read();
                assertEquals(Opcode.NOP_IN, ping.opcode());
                c.send(PduBuilder.immediate(Opcode.NOP_OUT).flags(0x80).itt(Opcode.RESERVED_TAG)
                        .i32(20, ping.i32(20)).cmdSn(1).i32(28, ping.statSn()));
            }
            c.send(ConnectionHarness.command(9, 1, 0x80, 0, 0x00)); // TEST UNIT READY
            ReceivedPdu r;
            while ((r = c.read()).opcode() == Opcode.NOP_IN) {
                c.send(PduBuilder.immediate(Opcode.NOP_OUT).flags(0x80).itt(Opcode.RESERVED_TAG)
                        .i32(20, r.i32(20)).cmdSn(2).i32(28, r.statSn()));
            }
            assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
            assertEquals(9, r.itt());
            assertTrue(core.closed.isEmpty());
        }
    }

    @Test
    void stop_asksForALogout_andFinishesAsSoonAsTheInitiatorLoggedOut() throws Exception {
        start("nop-in-interval = 0\nlogout-grace = 5s");
        try (var c = loggedIn()) {
            long started = System.nanoTime();
            CompletableFuture<Void> stopped = driver.stop().toCompletableFuture();
            ReceivedPdu async = c.read();
            assertEquals(Opcode.ASYNC_MESSAGE, async.opcode());
            assertEquals(1, async.u8(36));
            assertEquals(5, async.u16(42)); // Parameter3: log out within 5 s
            assertFalse(stopped.isDone());
            c.send(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(0x80).itt(3).cmdSn(1).i32(28, async.statSn() + 1));
            assertEquals(Opcode.LOGOUT_RESPONSE, c.read().opcode());
            stopped.get(10, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(4), "stop waited for the grace period");
            assertEquals(1, core.closed.size());
            driver = null;
        }
    }
}
