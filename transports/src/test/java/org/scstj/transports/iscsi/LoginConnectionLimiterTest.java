package org.scstj.transports.iscsi;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.initiator.Connection;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Session;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
             Connection idle1 = Connection.open(address, 0, T);
             Connection idle2 = Connection.open(address, 0, T);
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
