package org.scstj.transports.iscsi.conn;

import org.scstj.engine.spi.ScsiCore;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.login.AuthFailureBackoff;

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
 * @param chapBackoff recent CHAP failures of every connection's logins (bad-inputs row 9)
 */
public record TargetContext(ScsiCore core, IscsiSettings settings, SessionRegistry registry,
                            Supplier<Map<Integer, List<InetSocketAddress>>> portals, Set<IscsiConnection> connections,
                            AuthFailureBackoff chapBackoff) {

    /** A context whose CHAP back-off follows the settings. */
    public TargetContext(ScsiCore core, IscsiSettings settings, SessionRegistry registry,
                         Supplier<Map<Integer, List<InetSocketAddress>>> portals, Set<IscsiConnection> connections) {
        this(core, settings, registry, portals, connections,
                new AuthFailureBackoff(settings.chapBackoff(), System::nanoTime));
    }
}
