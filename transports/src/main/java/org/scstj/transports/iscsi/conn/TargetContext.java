package org.scstj.transports.iscsi.conn;

import org.scstj.engine.spi.ScsiCore;
import org.scstj.transports.iscsi.IscsiSettings;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every connection of one driver shares.
 *
 * @param portals     the bound portal addresses of each portal group, by tag (for SendTargets)
 * @param connections live connections, so the driver can end them on stop
 */
public record TargetContext(ScsiCore core, IscsiSettings settings, SessionRegistry registry,
                            Supplier<Map<Integer, List<InetSocketAddress>>> portals, Set<IscsiConnection> connections) {
}
