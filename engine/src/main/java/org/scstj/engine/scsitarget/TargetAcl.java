package org.scstj.engine.scsitarget;

import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.Names;

import java.util.List;
import java.util.function.Predicate;

/**
 * Access control of one target (SCST security groups): which LUNs an initiator sees. The first
 * group with a matching initiator pattern wins; an initiator in no group sees the default set.
 * Names and patterns compare in their canonical form ({@link Names#canonical}, RFC 3722).
 */
public final class TargetAcl {
    private final List<LunMapping> defaults;
    private final List<CompiledGroup> groups;

    public TargetAcl(TargetSpec spec) {
        this.defaults = List.copyOf(spec.defaultLuns());
        this.groups = spec.groups().stream().map(CompiledGroup::new).toList();
    }

    /** The LUNs this initiator may see; empty when it may see nothing (login is then refused). */
    public List<LunMapping> lunsFor(String initiatorName) {
        for (CompiledGroup g : groups) {
            if (g.members.test(initiatorName)) {
                return g.spec.luns();
            }
        }
        return defaults;
    }

    private record CompiledGroup(GroupSpec spec, Predicate<String> members) {
        CompiledGroup(GroupSpec spec) {
            this(spec, Names.matcher(spec.initiators()));
        }
    }
}
