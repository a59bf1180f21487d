package org.scstj.engine.model;

import org.scstj.engine.spi.Names;

import java.util.List;
import java.util.Map;

/**
 * A target: its name (IQN, kept in its canonical form, {@link Names#canonical}), the default LUN
 * set for initiators in no group, and its groups (the first group whose pattern matches wins).
 *
 * @param relativeTargetPortId SPC-5 relative target port identifier of this target's port (1..)
 * @param portIdsByGroup       when the target is reachable through several target port groups
 *                             (iSCSI portal groups, RFC 7143 4.4.1), each is its own target port
 *                             with its own relative target port identifier (SPC-5 7.7.6.4), by
 *                             target port group; empty: one port, {@code relativeTargetPortId}
 */
public record TargetSpec(String name, List<LunMapping> defaultLuns, List<GroupSpec> groups,
                         int relativeTargetPortId, Map<Integer, Integer> portIdsByGroup) {
    public TargetSpec {
        name = Names.canonical(name);
    }

    public TargetSpec(String name, List<LunMapping> defaultLuns, List<GroupSpec> groups, int relativeTargetPortId) {
        this(name, defaultLuns, groups, relativeTargetPortId, Map.of());
    }

    /** The relative target port identifier of the port in this target port group. */
    public int relativeTargetPortId(int targetPortGroup) {
        return portIdsByGroup.getOrDefault(targetPortGroup, relativeTargetPortId);
    }
}
