package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.IscsiTargetDriverTest.Client;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.RamDiskCore;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Portal groups (RFC 7143 4.4.1), their tags (13.9), SendTargets per group (Appendix C) and login
 * redirection (6.2, 11.13.5) over real sockets on 127.0.0.1 and [::1].
 */
class PortalGroupsOverTcpTest {
    private static final String T = RamDiskCore.TARGET;
    private final RamDiskCore core = new RamDiskCore(64, Runnable::run);
    private IscsiTargetDriver driver;

    private Map<Integer, List<InetSocketAddress>> start(String config) throws Exception {
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(config)));
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return driver.boundByGroup();
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static boolean ipv6Loopback() {
        try {
            NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName("::1"));
            return lo != null && lo.inetAddresses().anyMatch(a -> a instanceof Inet6Address && a.isLoopbackAddress());
        } catch (IOException e) {
            return false;
        }
    }

    private static PduBuilder login(int flags, String... keys) {
        return PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(flags).u16(8, 0x8000).i32(10, 7).itt(1).cmdSn(1).text(keys);
    }

    private static ReceivedPdu normalLogin(Client c, String target) throws IOException {
        c.send(login(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + target));
        return c.read();
    }

    private static List<String> sendTargets(InetSocketAddress portal, String initiator) throws IOException {
        try (Client c = new Client(portal)) {
            c.send(login(0x87, "InitiatorName=" + initiator, "SessionType=Discovery"));
            assertEquals(0, c.read().loginStatus());
            c.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(0x80).itt(2).i32(20, -1).cmdSn(1).text("SendTargets=All"));
            return c.read().pairs();
        }
    }

    private static String address(InetSocketAddress a, int tag) {
        String host = a.getAddress() instanceof Inet6Address ? "[::1]" : a.getAddress().getHostAddress();
        return "TargetAddress=" + host + ":" + a.getPort() + "," + tag;
    }

    @Test
    void targetInOneGroup_logsInThereWithItsTag_isRefusedOnTheOther_andIsListedOnlyThere() throws Exception {
        assumeTrue(ipv6Loopback(), "no IPv6 loopback address ::1 on this machine");
        var bound = start("""
                portal-groups { v4 { tag = 11, portals = ["127.0.0.1:0"] }, v6 { tag = 12, portals = ["[::1]:0"] } }
                targets { "%s" { portal-groups = [v4] } }
                """.formatted(T));
        InetSocketAddress v4 = bound.get(11).getFirst();
        InetSocketAddress v6 = bound.get(12).getFirst();
        try (Client c = new Client(v6)) {
            assertEquals(0x0203, normalLogin(c, T).loginStatus());
            assertThrows(EOFException.class, c::read); // refused: the target closes
        }
        try (Client c = new Client(v4)) {
            ReceivedPdu r = normalLogin(c, T);
            assertEquals(0, r.loginStatus());
            assertEquals("11", r.keys().get("TargetPortalGroupTag"));
        }
        assertEquals(11, core.opened.getLast().targetPortGroup());
        assertEquals(T + ",t,0x000b", core.opened.getLast().targetPortName());
        List<String> expected = List.of("TargetName=" + T, address(v4, 11));
        assertEquals(expected, sendTargets(v6, ConnectionHarness.INITIATOR)); // discovery works on every portal
        assertEquals(expected, sendTargets(v4, ConnectionHarness.INITIATOR));
        assertEquals(List.of(), sendTargets(v4, RamDiskCore.DENIED));
    }

    @Test
    void targetInBothGroups_isListedWithBothPortalsAndTags_ipv6Bracketed() throws Exception {
        assumeTrue(ipv6Loopback(), "no IPv6 loopback address ::1 on this machine");
        var bound = start("portal-groups { v4 { tag = 1, portals = [\"127.0.0.1:0\"] }, v6 { tag = 2, portals = [\"[::1]:0\"] } }");
        InetSocketAddress v4 = bound.get(1).getFirst();
        InetSocketAddress v6 = bound.get(2).getFirst();
        assertEquals(List.of("TargetName=" + T, address(v4, 1), "TargetAddress=[::1]:" + v6.getPort() + ",2"),
                sendTargets(v6, ConnectionHarness.INITIATOR));
        try (Client c = new Client(v6)) {
            ReceivedPdu r = normalLogin(c, T);
            assertEquals(0, r.loginStatus());
            assertEquals("2", r.keys().get("TargetPortalGroupTag"));
        }
    }

    @Test
    void wildcardPortal_isListedWithTheAddressTheInitiatorReached() throws Exception {
        var bound = start("portal-groups { any { tag = 4, portals = [\"0.0.0.0:0\"] } }");
        int port = bound.get(4).getFirst().getPort();
        assertEquals(List.of("TargetName=" + T, "TargetAddress=127.0.0.1:" + port + ",4"),
                sendTargets(new InetSocketAddress("127.0.0.1", port), ConnectionHarness.INITIATOR));
        assertEquals(List.of("TargetName=" + T, "TargetAddress=127.0.0.3:" + port + ",4"),
                sendTargets(new InetSocketAddress("127.0.0.3", port), ConnectionHarness.INITIATOR));
    }

    @Test
    void redirectedTarget_answersMovedWithTheAddress_andCloses() throws Exception {
        var bound = start("""
                portal-groups {
                  one { tag = 1, portals = ["127.0.0.1:0"] }
                  two { tag = 2, portals = ["127.0.0.2:0"] }
                }
                targets { "%s" { portal-groups = [one], redirect { to = "127.0.0.1:3999,1", permanent = true } } }
                """.formatted(T));
        try (Client c = new Client(bound.get(2).getFirst())) {
            ReceivedPdu r = normalLogin(c, T);
            assertEquals(0x0102, r.loginStatus());
            assertEquals(List.of("TargetAddress=127.0.0.1:3999,1"), r.pairs());
            assertThrows(EOFException.class, c::read);
        }
        try (Client c = new Client(bound.get(1).getFirst())) {
            assertEquals(0, normalLogin(c, T).loginStatus());
        }
        try (Client c = new Client(bound.get(2).getFirst())) { // not told to an initiator that may not see it
            c.send(login(0x87, "InitiatorName=" + RamDiskCore.DENIED, "TargetName=" + T));
            assertEquals(0x0203, c.read().loginStatus());
        }
    }
}
