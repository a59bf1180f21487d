package org.scstj.mgmt.config;

import com.typesafe.config.Config;
import org.scstj.cluster.ClusterSpec;
import org.scstj.engine.model.EngineSpec;

import java.util.List;

/**
 * A validated configuration, read once.
 *
 * @param source  where it came from (a file path or {@code demo.conf})
 * @param config  the whole resolved configuration, module defaults included; the engine reads its
 *                dispatchers and settings from it
 * @param engine  devices and targets for {@link org.scstj.engine.ScsiEngine#start}
 * @param iscsi   the {@code scstj.target-drivers.iscsi} block for the iSCSI driver's settings
 * @param portals the addresses the iSCSI driver listens on
 * @param cluster the {@code scstj.cluster} block, or null for a single node (no remoting)
 */
public record ScstjConfig(String source, Config config, EngineSpec engine, Config iscsi, List<Portal> portals,
                          ClusterSpec cluster) {

    /** A single node's configuration. */
    public ScstjConfig(String source, Config config, EngineSpec engine, Config iscsi, List<Portal> portals) {
        this(source, config, engine, iscsi, portals, null);
    }
}
