package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.initiator.Connection;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Pdu;
import org.scstj.transports.iscsi.initiator.Pdus;
import org.scstj.transports.iscsi.initiator.Session;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

class LoginConnectionLimiterTest {
    private static final Duration T = Duration.ofSeconds(10);
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private IscsiTargetDriver driver;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:0\"], max-login-connections-per-source = 2")));
        driver.start(new RamDiskCore(8, coreThread)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        address = driver.boundAddresses().getFirst();
    }

    @AfterEach
    void stop() throws Exception {
        driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        coreThread.shutdownNow();
    }

    @Test
    void connectionsBeyondTheCapStillLoggingIn_areClosedAtAccept_loggedInSessionsDoNotCount() throws Exception {
        try (Session session = Session.open(address, LoginSpec.normal("iqn.2026-11.test:a", RamDiskCore.TARGET), T);
             Connection idle1 = halfLoggedIn();
             Connection idle2 = halfLoggedIn();
             Connection third = Connection.open(address, 0, T)) {
            assertTrue(third.closedByTargetWithin(T), "the third connection still logging in is closed");
            assertFalse(idle1.closedByTargetWithin(Duration.ofMillis(200)));
            assertFalse(idle2.closedByTargetWithin(Duration.ofMillis(200)));
            assertArrayEquals(new byte[]{7}, session.ping(session.connection(0), new byte[]{7}, T));
            idle1.close();
            // once one of them is gone, a new connection may log in
            Session second = awaitLogin();
            assertEquals(0, second.logout(T).response());
        }
    }

    /**
     * A connection in the middle of its login: the security stage answered, nothing more. Its
     * answer shows the target has counted it (connections are accepted on several event loops, so
     * without it a later connection could be counted first).
     */
    private Connection halfLoggedIn() throws Exception {
        Connection c = Connection.open(address, 0, T);
        c.send(Pdus.login(false, false, 0, 1, 0x80_0000_0001L, 0, 1, 0, 1, 0,
                Pdu.text("InitiatorName=iqn.2026-11.test:idle", "TargetName=" + RamDiskCore.TARGET, "AuthMethod=None")));
        Pdu r = c.read(T);
        assertEquals(Opcode.LOGIN_RESPONSE, r.opcode(), r.toString());
        assertEquals(0, r.loginStatus(), r.toString());
        return c;
    }

    /** idle1's close reaches the target asynchronously: retry (bounded) until a login is accepted. */
    private Session awaitLogin() throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            try {
                return Session.open(address, LoginSpec.normal("iqn.2026-11.test:b", RamDiskCore.TARGET), T);
            } catch (java.io.IOException closedAtAccept) {
                if (System.nanoTime() > deadline) {
                    throw closedAtAccept;
                }
            }
        }
    }

    @Test
    void theCap_isAtLeastOne() {
        org.junit.jupiter.api.Assertions.assertThrows(com.typesafe.config.ConfigException.class, () -> IscsiSettings.from(
                ConfigFactory.parseString("portals = [\"127.0.0.1:0\"], max-login-connections-per-source = 0")));
        assertEquals(16, IscsiSettings.from(ConfigFactory.parseString("portals = [\"127.0.0.1:0\"]"))
                .maxLoginConnectionsPerSource());
    }
}
