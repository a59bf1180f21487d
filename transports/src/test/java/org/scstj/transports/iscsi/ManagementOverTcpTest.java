package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.Chap;
import org.scstj.transports.iscsi.initiator.LoginException;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Pdu;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;
import org.scstj.transports.iscsi.initiator.Task;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What the management plane sees and does (TargetDriver.sessions, closeSession, requestLogout,
 * reconfigure) against the real driver on 127.0.0.1 / 127.0.0.2, driven by the project's initiator.
 */
class ManagementOverTcpTest {
    private static final String A = "iqn.2026-11.test:mgmt-a";
    private static final String B = "iqn.2026-11.test:mgmt-b";
    private static final String T = RamDiskCore.TARGET;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String BASE = "negotiation.max-recv-data-segment-length = 4096, logout-grace = 1s, ";
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private final RamDiskCore core = new RamDiskCore(256, coreThread);
    private final List<Session> open = new ArrayList<>();
    private IscsiTargetDriver driver;

    private InetSocketAddress start(String config) throws Exception {
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(BASE + config)));
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return driver.boundAddresses().getFirst();
    }

    private Session login(InetSocketAddress at, LoginSpec spec) throws IOException {
        Session s = Session.open(at, spec, TIMEOUT);
        open.add(s);
        return s;
    }

    private List<String> reconfigure(String config) throws Exception {
        return driver.reconfigure(ConfigFactory.parseString(BASE + config)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private List<SessionInfo> sessions() throws Exception {
        return driver.sessions().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private SessionInfo sessionOf(String initiator) throws Exception {
        return sessions().stream().filter(i -> i.initiatorName().equals(initiator)).findFirst().orElseThrow();
    }

    private static String hostPort(java.net.SocketAddress a) {
        InetSocketAddress i = (InetSocketAddress) a;
        return i.getAddress().getHostAddress() + ":" + i.getPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (Session s : open) {
            s.close();
        }
        if (driver != null) {
            driver.stop().toCompletableFuture().get(15, TimeUnit.SECONDS);
        }
        coreThread.shutdownNow();
    }

    private static void assertRead(Session s, int blocks) throws IOException {
        ScsiResult r = s.scsi(0, Cdbs.read10(0, blocks), blocks * RamDiskCore.BLOCK, TIMEOUT);
        assertTrue(r.good(), r.toString());
    }

    @Test
    void sessions_listsEachSession_withItsIdentityPortalNegotiatedValuesAndCounters() throws Exception {
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"], portal-group-tag = 5");
        Session a = login(portal, LoginSpec.normal(A, T).isid(0x4000_0137_0001L)
                .key("ImmediateData", "Yes").key("InitialR2T", "No").key("FirstBurstLength", "16384"));
        Session b = login(portal, LoginSpec.normal(B, T).isid(0x8000_0000_0abcL).key("HeaderDigest", "CRC32C")
                .key("MaxBurstLength", "8192"));
        byte[] data = new byte[12 * RamDiskCore.BLOCK];
        new Random(7).nextBytes(data);
        assertTrue(a.scsiWrite(0, Cdbs.write10(10, 12), data, TIMEOUT).good());
        ScsiResult r = a.scsi(0, Cdbs.read10(10, 12), data.length, TIMEOUT);
        assertArrayEquals(data, r.data());
        assertRead(a, 3);
        assertRead(b, 20);

        assertEquals(2, sessions().size());
        SessionInfo ia = sessionOf(A);
        assertEquals(a.tsih() + "-400001370001", ia.id());
        assertEquals("400001370001", ia.isid());
        assertEquals(A + ",i,0x400001370001", ia.initiatorPort());
        assertEquals(a.tsih(), ia.tsih());
        assertEquals(T, ia.target());
        assertEquals(5, ia.portalGroupTag());
        assertEquals("LOGGED_IN", ia.state());
        assertEquals(1, ia.connections().size());
        SessionInfo.ConnectionInfo ca = ia.connections().getFirst();
        assertEquals(0, ca.cid());
        assertEquals(hostPort(portal), ca.localAddress());
        assertEquals(hostPort(a.connection(0).socket().getLocalSocketAddress()), ca.peerAddress());
        assertEquals("FULL_FEATURE", ca.state());
        assertEquals("4096", ca.parameters().get("TargetMaxRecvDataSegmentLength"));
        assertEquals("262144", ca.parameters().get("InitiatorMaxRecvDataSegmentLength"));
        assertEquals("None", ca.parameters().get("HeaderDigest"));
        assertEquals("Yes", ia.parameters().get("ImmediateData"));
        assertEquals("No", ia.parameters().get("InitialR2T"));
        assertEquals(a.negotiated().get("FirstBurstLength"), ia.parameters().get("FirstBurstLength"));
        assertEquals(a.negotiated().get("MaxBurstLength"), ia.parameters().get("MaxBurstLength"));
        assertEquals("0", ia.parameters().get("ErrorRecoveryLevel"));
        assertEquals(3, ia.commands());
        assertEquals(data.length, ia.bytesWritten());
        assertEquals(data.length + 3 * RamDiskCore.BLOCK, ia.bytesRead());
        assertEquals(Map.of(), ia.tasksInFlight());

        SessionInfo ib = sessionOf(B);
        assertEquals(b.tsih() + "-800000000abc", ib.id());
        assertEquals(b.tsih(), ib.tsih());
        assertEquals("CRC32C", ib.connections().getFirst().parameters().get("HeaderDigest"));
        assertEquals("CRC32C", ib.parameters().get("HeaderDigest"));
        assertEquals("8192", ib.parameters().get("MaxBurstLength"));
        assertEquals(hostPort(b.connection(0).socket().getLocalSocketAddress()), ib.connections().getFirst().peerAddress());
        assertEquals(1, ib.commands());
        assertEquals(0, ib.bytesWritten());
        assertEquals(20 * RamDiskCore.BLOCK, ib.bytesRead());

        core.autoRun = false; // the next command stays in the core: in flight on LUN 0
        Task held = b.start(b.connection(0), 0, Cdbs.read10(0, 1), null, RamDiskCore.BLOCK);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (core.submitted.size() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Map.of(0L, 1), sessionOf(B).tasksInFlight());
        assertEquals(2, sessionOf(B).commands());
        core.autoRun = true;
        core.execute(core.submitted.getLast());
        assertTrue(b.finish(held, TIMEOUT).good());
        assertEquals(Map.of(), sessionOf(B).tasksInFlight());
    }

    @Test
    void closeSession_endsThatSessionOnly_throughTheEngine() throws Exception {
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"]");
        Session a = login(portal, LoginSpec.normal(A, T));
        Session b = login(portal, LoginSpec.normal(B, T));
        String id = sessionOf(A).id();
        assertFalse(driver.closeSession("1-000000000000x").toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertTrue(driver.closeSession(id).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertTrue(a.connection(0).closedByTargetWithin(Duration.ofSeconds(5)));
        assertTrue(core.closed.stream().anyMatch(n -> n.initiatorName().equals(A)));
        assertFalse(core.closed.stream().anyMatch(n -> n.initiatorName().equals(B)));
        assertRead(b, 2);
        assertEquals(List.of(B), sessions().stream().map(SessionInfo::initiatorName).toList());
        assertFalse(driver.closeSession(id).toCompletableFuture().get(5, TimeUnit.SECONDS), "gone already");
    }

    @Test
    void closeSessions_endsEverySessionOfTheTarget() throws Exception {
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"]");
        Session a = login(portal, LoginSpec.normal(A, T));
        Session b = login(portal, LoginSpec.normal(B, T));
        driver.closeSessions("iqn.2026-11.org.scstj:other").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(2, sessions().size());
        driver.closeSessions(T.toUpperCase()).toCompletableFuture().get(5, TimeUnit.SECONDS); // iSCSI names are case-insensitive
        assertTrue(a.connection(0).closedByTargetWithin(Duration.ofSeconds(5)));
        assertTrue(b.connection(0).closedByTargetWithin(Duration.ofSeconds(5)));
        assertEquals(List.of(), sessions());
    }

    @Test
    void requestLogout_sendsAsyncEvent1WithTheGrace_thenClosesTheSessionWhenItStays() throws Exception {
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"]");
        Session a = login(portal, LoginSpec.normal(A, T));
        Session b = login(portal, LoginSpec.normal(B, T));
        String id = sessionOf(A).id();
        long asked = System.nanoTime();
        assertTrue(driver.requestLogout(id).toCompletableFuture().get(1, TimeUnit.SECONDS));
        Pdu async = a.connection(0).read(TIMEOUT);
        assertEquals(Opcode.ASYNC_MESSAGE, async.opcode());
        assertEquals(1, async.u8(36)); // RFC 7143 11.9.1 AsyncEvent 1: the target requests Logout
        assertEquals(1, async.u16(42)); // Parameter3: logout-grace in seconds
        assertEquals("LOGGED_IN", sessionOf(A).state()); // not closed before the grace
        assertTrue(a.connection(0).closedByTargetWithin(Duration.ofSeconds(5)));
        assertTrue(System.nanoTime() - asked >= TimeUnit.MILLISECONDS.toNanos(900), "closed only after the grace");
        assertEquals(List.of(B), sessions().stream().map(SessionInfo::initiatorName).toList());
        assertRead(b, 1);
        assertTrue(b.asyncMessages().isEmpty());
        assertFalse(driver.requestLogout(id).toCompletableFuture().get(1, TimeUnit.SECONDS));
    }

    @Test
    void requestLogout_aSessionThatLogsOutInTime_endsByItsLogout() throws Exception {
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"]");
        Session a = login(portal, LoginSpec.normal(A, T));
        assertTrue(driver.requestLogout(sessionOf(A).id()).toCompletableFuture().get(1, TimeUnit.SECONDS));
        assertEquals(Opcode.ASYNC_MESSAGE, a.connection(0).read(TIMEOUT).opcode());
        assertEquals(0, a.logout(TIMEOUT).response()); // Logout Response: closed successfully
        assertEquals(List.of(), sessions());
    }

    @Test
    void reconfigure_newChapSecret_appliesToNewLogins_andTheOpenSessionStays() throws Exception {
        String auth = "targets { \"%s\" { auth { chap { user = alice, secret = \"%s\" } } } }";
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"], " + auth.formatted(T, "first-secret-123"));
        Session old = login(portal, LoginSpec.normal(A, T).chap(Chap.oneWay("alice", "first-secret-123")));
        assertEquals(List.of(), reconfigure("portals = [\"127.0.0.1:0\"], " + auth.formatted(T, "second-secret-456")));
        LoginException refused = assertThrows(LoginException.class,
                () -> login(portal, LoginSpec.normal(B, T).chap(Chap.oneWay("alice", "first-secret-123"))));
        assertEquals(0x0201, refused.status()); // RFC 7143 11.13.5: authentication failure
        login(portal, LoginSpec.normal(B, T).chap(Chap.oneWay("alice", "second-secret-456")));
        assertRead(old, 4);
        assertEquals(2, sessions().size());
        assertEquals(portal, driver.boundAddresses().getFirst(), "an unchanged portal stays bound");
    }

    @Test
    void reconfigure_negotiationDefaults_applyToNewSessions_andOpenOnesKeepWhatTheyNegotiated() throws Exception {
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"], negotiation.max-burst-length = 262144");
        login(portal, LoginSpec.normal(A, T).key("MaxBurstLength", "262144"));
        assertEquals(List.of(), reconfigure("portals = [\"127.0.0.1:0\"], "
                + "negotiation { max-burst-length = 16384, first-burst-length = 8192 }"));
        Session b = login(portal, LoginSpec.normal(B, T).key("MaxBurstLength", "262144"));
        assertEquals("16384", b.negotiated().get("MaxBurstLength")); // RFC 7143 13.13: the lower of the two
        assertEquals("16384", sessionOf(B).parameters().get("MaxBurstLength"));
        assertEquals("262144", sessionOf(A).parameters().get("MaxBurstLength"));
    }

    @Test
    void reconfigure_addedPortalTakesLogins_andRemovingItClosesItsSessionsOnly() throws Exception {
        InetSocketAddress one = start("portals = [\"127.0.0.1:0\"]");
        Session a = login(one, LoginSpec.normal(A, T));
        assertEquals(List.of(), reconfigure("portals = [\"127.0.0.1:0\", \"127.0.0.2:0\"]"));
        List<InetSocketAddress> bound = driver.boundByGroup().get(1);
        assertEquals(2, bound.size());
        assertEquals(one, bound.getFirst());
        InetSocketAddress two = bound.get(1);
        assertEquals("127.0.0.2", two.getAddress().getHostAddress());
        Session b = login(two, LoginSpec.normal(B, T));
        assertRead(b, 1);
        assertEquals(hostPort(two), sessionOf(B).connections().getFirst().localAddress());

        assertEquals(List.of(), reconfigure("portals = [\"127.0.0.1:0\"]"));
        assertTrue(b.connection(0).closedByTargetWithin(Duration.ofSeconds(5)));
        assertEquals(List.of(A), sessions().stream().map(SessionInfo::initiatorName).toList());
        assertRead(a, 1);
        assertThrows(ConnectException.class, () -> new Socket(two.getAddress(), two.getPort()).close());
        assertEquals(List.of(one), driver.boundAddresses());
    }

    @Test
    void needsRestart_aGroupsTag_andAPortalChangingGroups_only() {
        IscsiSettings now = IscsiSettings.from(ConfigFactory.parseString(
                "portal-groups { a { tag = 1, portals = [\"127.0.0.1:3260\"] }, b { tag = 2, portals = [\"127.0.0.2:3260\"] } }"));
        IscsiSettings live = IscsiSettings.from(ConfigFactory.parseString("""
                portal-groups {
                  a { tag = 1, portals = ["127.0.0.1:3260", "127.0.0.3:3260"], redirect { to = "10.0.0.1:3260" } }
                  c { tag = 3, portals = ["127.0.0.4:3260"] }
                }
                negotiation.max-connections = 8, login-timeout = 5s, max-login-connections-per-source = 3
                chap-algorithms = ["SHA-256"], chap-failure-backoff { free-failures = 9, tracked-sources = 10 }
                """));
        assertEquals(List.of(), IscsiTargetDriver.needsRestart(now, live));
        IscsiSettings restart = IscsiSettings.from(ConfigFactory.parseString("""
                portal-groups {
                  a { tag = 5, portals = ["127.0.0.1:3260"] }
                  b { tag = 2, portals = ["127.0.0.9:3260"] }
                  c { tag = 3, portals = ["127.0.0.2:3260"] }
                }
                """));
        assertEquals(List.of("portal 127.0.0.2:3260 moved from portal group b to c: needs a restart", // groups in tag order
                "portal-groups.a.tag changed (1 -> 5): needs a restart"), IscsiTargetDriver.needsRestart(now, restart));
    }

    @Test
    void reconfigure_withProblems_changesNothing() throws Exception {
        String auth = "targets { \"%s\" { auth { chap { user = alice, secret = \"%s\" } } } }";
        InetSocketAddress portal = start("portals = [\"127.0.0.1:0\"], " + auth.formatted(T, "first-secret-123"));
        IscsiSettings before = driver.settings();

        List<String> invalid = reconfigure("portals = [\"127.0.0.1:0\"], negotiation.first-burst-length = 1");
        assertEquals(1, invalid.size(), invalid.toString());
        assertTrue(invalid.getFirst().contains("first-burst-length"), invalid.toString());

        List<String> restart = reconfigure("portals = [\"127.0.0.1:0\"], portal-group-tag = 9, " + auth.formatted(T, "second-secret-456"));
        assertEquals(List.of("portal-groups.default.tag changed (1 -> 9): needs a restart"), restart);

        // 192.0.2.1 (TEST-NET-1) is no address of this machine: its bind fails, and 127.0.0.3's is undone
        int free;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.3"))) {
            free = probe.getLocalPort();
        }
        List<String> unbindable = reconfigure("portals = [\"127.0.0.1:0\", \"127.0.0.3:" + free + "\", \"192.0.2.1:0\"], "
                + auth.formatted(T, "second-secret-456"));
        assertEquals(1, unbindable.size(), unbindable.toString());
        assertTrue(unbindable.getFirst().contains("192.0.2.1"), unbindable.toString());
        int port = free;
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.3", port).close(), "the bind that worked was undone");

        assertSame(before, driver.settings());
        assertEquals(List.of(portal), driver.boundAddresses());
        login(portal, LoginSpec.normal(A, T).chap(Chap.oneWay("alice", "first-secret-123"))); // the old secret still works
    }
}
