package org.scstj.engine.model;

import java.util.List;

/**
 * A security group: the initiators it matches (exact names, or patterns with {@code *} and
 * {@code ?}) and the LUNs they see instead of the target's default set.
 */
public record GroupSpec(String name, List<String> initiators, List<LunMapping> luns) {
}
