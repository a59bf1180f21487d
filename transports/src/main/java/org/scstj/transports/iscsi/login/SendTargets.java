package org.scstj.transports.iscsi.login;

import org.scstj.engine.spi.ScsiCore;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The SendTargets text command (RFC 7143 Appendix C, 13.3): {@code TargetName=} followed by one
 * {@code TargetAddress=ip:port,tpgt} per portal for every target the initiator may see. A portal
 * bound to a wildcard address is reported with the address the initiator reached.
 */
public final class SendTargets {
    private SendTargets() {
    }

    /**
     * @param value        {@code All}, or one target name
     * @param portals      the bound portals
     * @param localAddress the connection's local address
     * @param ownTarget    the session's target (normal session), answered for an empty value
     */
    public static byte[] answer(String value, String initiatorName, ScsiCore core, List<InetSocketAddress> portals,
                                int portalGroupTag, InetSocketAddress localAddress, String ownTarget) {
        List<String> visible = core.targetsVisibleTo(initiatorName);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String target : visible) {
            boolean wanted = value.equals("All") || (value.isEmpty() ? target.equals(ownTarget) : value.equals(target));
            if (!wanted) {
                continue;
            }
            pair(out, "TargetName", target);
            for (InetSocketAddress portal : portals) {
                InetAddress ip = portal.getAddress().isAnyLocalAddress() ? localAddress.getAddress() : portal.getAddress();
                pair(out, "TargetAddress", host(ip) + ":" + portal.getPort() + "," + portalGroupTag);
            }
        }
        return out.toByteArray();
    }

    private static String host(InetAddress ip) {
        String text = ip.getHostAddress();
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        return ip instanceof Inet6Address ? "[" + text + "]" : text;
    }

    private static void pair(ByteArrayOutputStream out, String key, String value) {
        out.writeBytes(key.getBytes(StandardCharsets.US_ASCII));
        out.write('=');
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
