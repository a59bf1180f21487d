package org.scstj.engine.model;

import java.util.List;

/**
 * A target: its name (IQN), the default LUN set for initiators in no group, and its groups
 * (the first group whose pattern matches wins).
 *
 * @param relativeTargetPortId SPC-5 relative target port identifier of this target's port (1..)
 */
public record TargetSpec(String name, List<LunMapping> defaultLuns, List<GroupSpec> groups,
                         int relativeTargetPortId) {
}
