package org.scstj.transports.iscsi.login;

import org.scstj.engine.spi.Names;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SendTargets text command (RFC 7143 Appendix C, 13.3): {@code TargetName=} followed by one
 * {@code TargetAddress=ip:port,tpgt} (13.8) for every target the initiator may log in to, and for
 * each only the portals of its own portal groups (4.4.1). IPv6 addresses are bracketed. A portal
 * bound to a wildcard address is reported with the connection's local address when that has the
 * same family, and left out otherwise (an address of the wrong family would be wrong).
 * Redirection: a group that redirects is reported as its redirect address; a target that is in no
 * group is reported at its own redirect address. A value that is neither {@code All}, empty nor an
 * iSCSI name (4.2.7) is invalid and answered {@code SendTargets=Reject} (6.2); a well-formed name
 * of a target the initiator may not see, or that does not exist, gets an empty answer.
 */
public final class SendTargets {
    private SendTargets() {
    }

    /**
     * @param value        {@code All}, one target name, or empty (the session's own target); anything
     *                     else is answered {@code SendTargets=Reject}
     * @param bound        the bound addresses of each portal group, by tag
     * @param localAddress the connection's local address
     * @param ownTarget    the session's target (normal session), answered for an empty value
     */
    public static byte[] answer(String value, String initiatorName, ScsiCore core, IscsiSettings settings,
                                Map<Integer, List<InetSocketAddress>> bound, InetSocketAddress localAddress,
                                String ownTarget) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String name = Names.canonical(value); // RFC 7143 4.2.7.1: a name in any case is the same name
        if (!value.equals("All") && !value.isEmpty() && IscsiNames.problem(name).isPresent()) {
            pair(out, "SendTargets", "Reject"); // RFC 7143 6.2: an invalid value is answered key=Reject
            return out.toByteArray();
        }
        List<String> visible = core.targetsVisibleTo(initiatorName);
        for (String target : visible) {
            boolean wanted = value.equals("All") || (value.isEmpty() ? target.equals(ownTarget) : name.equals(target));
            if (!wanted) {
                continue;
            }
            pair(out, "TargetName", target);
            for (String address : addresses(settings, target, bound, localAddress)) {
                pair(out, "TargetAddress", address);
            }
        }
        return out.toByteArray();
    }

    /** The TargetAddress values of one target, each once, in configuration order. */
    static Set<String> addresses(IscsiSettings settings, String target, Map<Integer, List<InetSocketAddress>> bound,
                                 InetSocketAddress localAddress) {
        Set<String> out = new LinkedHashSet<>();
        for (IscsiSettings.PortalGroup group : settings.groupsOf(target)) {
            if (group.redirect() != null) {
                out.add(group.redirect().targetAddress());
                continue;
            }
            for (InetSocketAddress portal : bound.getOrDefault(group.tag(), List.of())) {
                InetAddress ip = portal.getAddress();
                if (ip == null) {
                    continue;
                }
                if (ip.isAnyLocalAddress()) {
                    InetAddress local = localAddress == null ? null : localAddress.getAddress();
                    if (local == null || (local instanceof Inet6Address) != (ip instanceof Inet6Address)) {
                        continue;
                    }
                    ip = local;
                }
                out.add(host(ip) + ":" + portal.getPort() + "," + group.tag());
            }
        }
        IscsiSettings.Redirect own = settings.redirectOf(target);
        if (out.isEmpty() && own != null) {
            out.add(own.targetAddress());
        }
        return out;
    }

    private static String host(InetAddress ip) {
        return ip instanceof Inet6Address ? "[" + ipv6(ip.getAddress()) + "]" : ip.getHostAddress();
    }

    /** RFC 5952 4.2 text form: lower case, no leading zeros, the longest run of 2+ zero groups as "::". */
    static String ipv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    private static void pair(ByteArrayOutputStream out, String key, String value) {
        out.writeBytes(key.getBytes(StandardCharsets.US_ASCII));
        out.write('=');
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
