package org.scstj.transports.iscsi.login;

import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SendTargetsTest {
    private final RamDiskCore core = new RamDiskCore(1, Runnable::run);
    private final InetSocketAddress local = new InetSocketAddress("192.0.2.7", 3260);

    private String answer(String value, String initiator, List<InetSocketAddress> portals, InetSocketAddress localAddress,
                          String own) {
        return new String(SendTargets.answer(value, initiator, core, portals, 3, localAddress, own), StandardCharsets.UTF_8)
                .replace('\0', '|');
    }

    @Test
    void all_listsEveryVisibleTargetWithEveryPortal() {
        String a = answer("All", "iqn.i", List.of(new InetSocketAddress("10.0.0.1", 3260),
                new InetSocketAddress("10.0.0.2", 3261)), local, null);
        assertEquals("TargetName=" + RamDiskCore.TARGET + "|TargetAddress=10.0.0.1:3260,3|TargetAddress=10.0.0.2:3261,3|", a);
    }

    @Test
    void wildcardPortal_reportsTheConnectionsLocalAddress() {
        String a = answer("All", "iqn.i", List.of(new InetSocketAddress("0.0.0.0", 3260)), local, null);
        assertEquals("TargetName=" + RamDiskCore.TARGET + "|TargetAddress=192.0.2.7:3260,3|", a);
    }

    @Test
    void ipv6Addresses_areBracketed() {
        String a = answer("All", "iqn.i", List.of(new InetSocketAddress("::", 3260)),
                new InetSocketAddress("2001:db8::1", 3260), null);
        assertEquals("TargetName=" + RamDiskCore.TARGET + "|TargetAddress=[2001:db8:0:0:0:0:0:1]:3260,3|", a);
    }

    @Test
    void namedTarget_orOwnTargetForEmptyValue_andNothingForHiddenOnes() {
        List<InetSocketAddress> p = List.of(new InetSocketAddress("10.0.0.1", 3260));
        assertEquals("TargetName=" + RamDiskCore.TARGET + "|TargetAddress=10.0.0.1:3260,3|",
                answer(RamDiskCore.TARGET, "iqn.i", p, local, null));
        assertEquals("", answer("iqn.other", "iqn.i", p, local, null));
        assertEquals("TargetName=" + RamDiskCore.TARGET + "|TargetAddress=10.0.0.1:3260,3|",
                answer("", "iqn.i", p, local, RamDiskCore.TARGET));
        assertEquals("", answer("", "iqn.i", p, local, null));
        assertEquals("", answer("All", RamDiskCore.DENIED, p, local, null));
    }
}
