package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster self-fence in the iSCSI driver (docs/cluster.md): {@code fence()} closes the portals
 * and resets every connection, {@code unfence()} listens again on the same portals; while the node
 * fence says not serving, no SCSI status leaves: the connection is reset instead.
 */
class IscsiFenceTest {
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private final AtomicBoolean serving = new AtomicBoolean(true);
    private IscsiTargetDriver driver;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        RamDiskCore core = new RamDiskCore(64, coreThread);
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString("portals = [\"127.0.0.1:0\"]")),
                serving::get);
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        address = driver.boundAddresses().getFirst();
    }

    @AfterEach
    void stop() throws Exception {
        driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        coreThread.shutdownNow();
    }

    private IscsiTargetDriverTest.Client loggedIn() throws IOException {
        IscsiTargetDriverTest.Client c = new IscsiTargetDriverTest.Client(address);
        c.send(PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(0x87).u16(8, 0x8000).i32(10, 7).itt(1).cmdSn(1)
                .text("InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET));
        assertEquals(0, c.read().loginStatus());
        return c;
    }

    /** TEST UNIT READY (SPC-5 6.47): no data, status only. */
    private static PduBuilder testUnitReady(int itt, int cmdSn) {
        return ConnectionHarness.command(itt, cmdSn, 0x80, 0, 0, 0, 0, 0, 0, 0);
    }

    private boolean refused() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    @Test
    void fence_closesThePortalAndResetsTheConnection_unfenceListensAgain() throws Exception {
        try (IscsiTargetDriverTest.Client c = loggedIn()) {
            c.send(testUnitReady(2, 1));
            assertEquals(Opcode.SCSI_RESPONSE, c.read().opcode());
            driver.fence().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(driver.fenced());
            assertThrows(IOException.class, c::read, "the connection is reset, nothing more is read");
        }
        assertTrue(refused(), "a fenced portal refuses connections");
        // fence() completes once the listeners are closed; the reset connections leave on their event loops
        for (int i = 0; i < 1000 && driver.connectionCount() > 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(0, driver.connectionCount(), "every connection reset and gone");
        driver.fence().toCompletableFuture().get(10, TimeUnit.SECONDS); // idempotent
        driver.unfence().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(driver.fenced());
        assertEquals(address, driver.boundAddresses().getFirst(), "the same portal again");
        try (IscsiTargetDriverTest.Client c = loggedIn()) {
            c.send(testUnitReady(2, 1));
            assertEquals(Opcode.SCSI_RESPONSE, c.read().opcode());
        }
    }

    @Test
    void notServing_theStatusIsNotSent_theConnectionIsReset() throws Exception {
        try (IscsiTargetDriverTest.Client c = loggedIn()) {
            serving.set(false); // the lease ran out; the guard has not fenced the driver yet
            c.send(testUnitReady(2, 1));
            assertThrows(IOException.class, c::read, "no SCSI Response after the lease expired");
        }
        assertFalse(driver.fenced(), "only the guard fences the portals");
    }
}
