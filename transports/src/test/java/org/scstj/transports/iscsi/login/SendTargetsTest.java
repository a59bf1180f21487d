package org.scstj.transports.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** RFC 7143 Appendix C / 13.3 SendTargets, with 4.4.1 portal groups and 13.8 TargetAddress. */
class SendTargetsTest {
    private static final String T = RamDiskCore.TARGET;
    private final RamDiskCore core = new RamDiskCore(1, Runnable::run);
    private final InetSocketAddress local = new InetSocketAddress("192.0.2.7", 3260);

    private static IscsiSettings settings(String text) {
        return IscsiSettings.from(ConfigFactory.parseString(text));
    }

    private static final IscsiSettings ONE_GROUP = settings("portal-group-tag = 3");

    private String answer(String value, String initiator, IscsiSettings s, Map<Integer, List<InetSocketAddress>> bound,
                          InetSocketAddress localAddress, String own) {
        return new String(SendTargets.answer(value, initiator, core, s, bound, localAddress, own), StandardCharsets.UTF_8)
                .replace('\0', '|');
    }

    private String answer(String value, String initiator, List<InetSocketAddress> portals, InetSocketAddress localAddress,
                          String own) {
        return answer(value, initiator, ONE_GROUP, Map.of(3, portals), localAddress, own);
    }

    @Test
    void all_listsEveryVisibleTargetWithEveryPortal() {
        String a = answer("All", "iqn.i", List.of(new InetSocketAddress("10.0.0.1", 3260),
                new InetSocketAddress("10.0.0.2", 3261)), local, null);
        assertEquals("TargetName=" + T + "|TargetAddress=10.0.0.1:3260,3|TargetAddress=10.0.0.2:3261,3|", a);
    }

    @Test
    void wildcardPortal_reportsTheConnectionsLocalAddress() {
        String a = answer("All", "iqn.i", List.of(new InetSocketAddress("0.0.0.0", 3260)), local, null);
        assertEquals("TargetName=" + T + "|TargetAddress=192.0.2.7:3260,3|", a);
    }

    @Test
    void wildcardPortalOfTheOtherFamily_isLeftOut() {
        String a = answer("All", "iqn.i", List.of(new InetSocketAddress("::", 3260),
                new InetSocketAddress("10.0.0.1", 3260)), local, null);
        assertEquals("TargetName=" + T + "|TargetAddress=10.0.0.1:3260,3|", a);
        a = answer("All", "iqn.i", List.of(new InetSocketAddress("0.0.0.0", 3260)),
                new InetSocketAddress("2001:db8::1", 3260), null);
        assertEquals("TargetName=" + T + "|", a);
    }

    @Test
    void ipv6Addresses_areBracketed() {
        String a = answer("All", "iqn.i", List.of(new InetSocketAddress("::", 3260), new InetSocketAddress("::1", 3261)),
                new InetSocketAddress("2001:db8::1", 3260), null);
        assertEquals("TargetName=" + T + "|TargetAddress=[2001:db8::1]:3260,3|TargetAddress=[::1]:3261,3|", a);
    }

    @Test
    void namedTarget_orOwnTargetForEmptyValue_andNothingForHiddenOnes() {
        List<InetSocketAddress> p = List.of(new InetSocketAddress("10.0.0.1", 3260));
        assertEquals("TargetName=" + T + "|TargetAddress=10.0.0.1:3260,3|", answer(T, "iqn.i", p, local, null));
        assertEquals("", answer("iqn.2026-11.org.example:other", "iqn.i", p, local, null));
        assertEquals("TargetName=" + T + "|TargetAddress=10.0.0.1:3260,3|", answer("", "iqn.i", p, local, T));
        assertEquals("", answer("", "iqn.i", p, local, null));
        assertEquals("", answer("All", RamDiskCore.DENIED, p, local, null));
        assertEquals("", answer(T, RamDiskCore.DENIED, p, local, null));
    }

    @Test // RFC 7143 6.2: an invalid value is answered key=Reject; SendTargets takes All, a name (4.2.7) or nothing
    void aValueThatIsNeitherAllNorEmptyNorAnIscsiName_isRejected() {
        List<InetSocketAddress> p = List.of(new InetSocketAddress("10.0.0.1", 3260));
        for (String bad : List.of("Alle", "all", "ALL", " All", "All,", "iqn.other", "ram", "eui.123")) {
            assertEquals("SendTargets=Reject|", answer(bad, "iqn.i", p, local, T), bad);
        }
        // a well-formed name is not invalid, even when no such target is visible: nothing to list
        assertEquals("", answer("iqn.2026-11.org.example:nothing-here", "iqn.i", p, local, T));
        assertEquals("", answer("eui.02004567A425678D", "iqn.i", p, local, T));
        assertEquals("", answer(T, RamDiskCore.DENIED, p, local, T));
    }

    @Test
    void aTargetNameInAnotherCase_isTheSameTarget() {
        List<InetSocketAddress> p = List.of(new InetSocketAddress("10.0.0.1", 3260));
        assertEquals(answer(T, "iqn.i", p, local, T),
                answer(T.toUpperCase(java.util.Locale.ROOT), "iqn.i", p, local, T), "RFC 3722: names compare case-folded");
    }

    @Test
    void aTarget_isListedOnlyWithThePortalsOfItsGroups_eachWithItsTag() {
        IscsiSettings s = settings("portal-groups { a { tag = 1, portals = [\"10.0.0.1:3260\"] }, "
                + "b { tag = 2, portals = [\"10.0.0.2:3260\"] } }\ntargets { \"" + T + "\" { portal-groups = [b] } }");
        Map<Integer, List<InetSocketAddress>> bound = Map.of(1, List.of(new InetSocketAddress("10.0.0.1", 3260)),
                2, List.of(new InetSocketAddress("10.0.0.2", 3260)));
        assertEquals("TargetName=" + T + "|TargetAddress=10.0.0.2:3260,2|", answer("All", "iqn.i", s, bound, local, null));
        IscsiSettings both = settings("portal-groups { a { tag = 1, portals = [\"10.0.0.1:3260\"] }, "
                + "b { tag = 2, portals = [\"10.0.0.2:3260\"] } }");
        assertEquals("TargetName=" + T + "|TargetAddress=10.0.0.1:3260,1|TargetAddress=10.0.0.2:3260,2|",
                answer("All", "iqn.i", both, bound, local, null));
    }

    @Test
    void redirectingGroups_andTargetsInNoGroup_areListedAtTheirRedirectAddress() {
        IscsiSettings s = settings("portal-groups { old { tag = 1, portals = [\"10.0.0.1:3260\"], "
                + "redirect { to = \"10.0.0.9:3260,4\" } }, b { tag = 2, portals = [\"10.0.0.2:3260\"] } }");
        Map<Integer, List<InetSocketAddress>> bound = Map.of(1, List.of(new InetSocketAddress("10.0.0.1", 3260)),
                2, List.of(new InetSocketAddress("10.0.0.2", 3260)));
        assertEquals("TargetName=" + T + "|TargetAddress=10.0.0.9:3260,4|TargetAddress=10.0.0.2:3260,2|",
                answer("All", "iqn.i", s, bound, local, null));
        IscsiSettings gone = settings("portal-groups { b { tag = 2, portals = [\"10.0.0.2:3260\"] } }\n"
                + "targets { \"" + T + "\" { portal-groups = [], redirect { to = \"[2001:db8::9]:3260\", permanent = true } } }");
        assertEquals("TargetName=" + T + "|TargetAddress=[2001:db8::9]:3260|", answer("All", "iqn.i", gone, bound, local, null));
    }

    @Test
    void ipv6Text_isTheRfc5952Form() throws Exception {
        assertEquals("::1", SendTargets.ipv6(java.net.InetAddress.getByName("::1").getAddress()));
        assertEquals("::", SendTargets.ipv6(new byte[16]));
        assertEquals("2001:db8::1:0:0:1", SendTargets.ipv6(java.net.InetAddress.getByName("2001:db8:0:0:1:0:0:1").getAddress()));
        assertEquals("2001:db8:0:1:1:1:1:1", SendTargets.ipv6(java.net.InetAddress.getByName("2001:db8:0:1:1:1:1:1").getAddress()));
        assertEquals("fe80::abcd:0:0:1", SendTargets.ipv6(java.net.InetAddress.getByName("fe80:0:0:0:abcd:0:0:1").getAddress()));
    }
}
