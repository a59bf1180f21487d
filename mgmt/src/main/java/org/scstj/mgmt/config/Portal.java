package org.scstj.mgmt.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An iSCSI portal, {@code HOST:PORT} or {@code [IPv6]:PORT} (RFC 7143 13.9 TargetAddress form).
 *
 * @param host a host name or address, IPv6 without brackets
 */
public record Portal(String host, int port) {
    private static final Pattern FORM = Pattern.compile("(?:\\[([0-9A-Fa-f:.%a-zA-Z]+)]|([^:\\[\\]\\s]+)):(\\d{1,5})");

    /** Parses {@code HOST:PORT}; empty when the text is not of that form or the port is not 1..65535. */
    public static Optional<Portal> parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        return Optional.of(new Portal(m.group(1) != null ? m.group(1) : m.group(2), port));
    }

    /** Where an initiator on this machine should connect: a wildcard address becomes loopback. */
    public String connectAddress() {
        return switch (host) {
            case "0.0.0.0" -> "127.0.0.1:" + port;
            case "::", "0:0:0:0:0:0:0:0" -> "[::1]:" + port;
            default -> toString();
        };
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
