package org.scstj.transports.iscsi.conn;

import org.scstj.engine.spi.NodeFence;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.login.AuthFailureBackoff;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What every connection of one driver shares.
 *
 * @param current     the driver's settings in force, replaced whole by a reconfiguration while
 *                    running: each new connection reads it once ({@link IscsiConnection#settings()})
 *                    and keeps what it read, so a session keeps what it negotiated
 * @param portals     the bound portal addresses of each portal group, by tag (for SendTargets)
 * @param connections live connections, so the driver can end them on stop
 * @param chapBackoff recent CHAP failures of every connection's logins (bad-inputs row 9)
 * @param fence       whether this node may answer now: checked before each SCSI status is sent
 */
public record TargetContext(ScsiCore core, AtomicReference<IscsiSettings> current, SessionRegistry registry,
                            Supplier<Map<Integer, List<InetSocketAddress>>> portals, Set<IscsiConnection> connections,
                            AuthFailureBackoff chapBackoff, NodeFence fence) {

    /** A context of a node that is not fenced by a cluster. */
    public TargetContext(ScsiCore core, AtomicReference<IscsiSettings> current, SessionRegistry registry,
                         Supplier<Map<Integer, List<InetSocketAddress>>> portals, Set<IscsiConnection> connections,
                         AuthFailureBackoff chapBackoff) {
        this(core, current, registry, portals, connections, chapBackoff, NodeFence.ALWAYS);
    }

    /** A context whose settings never change and whose CHAP back-off follows them. */
    public TargetContext(ScsiCore core, IscsiSettings settings, SessionRegistry registry,
                         Supplier<Map<Integer, List<InetSocketAddress>>> portals, Set<IscsiConnection> connections) {
        this(core, new AtomicReference<>(settings), registry, portals, connections,
                new AuthFailureBackoff(settings.chapBackoff(), System::nanoTime));
    }

    /** The settings in force now (a volatile read: new connections only, never per PDU). */
    public IscsiSettings settings() {
        return current.get();
    }
}
