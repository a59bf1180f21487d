package org.scstj.engine.target;

import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;

import org.scstj.engine.spi.Names;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

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
        String name = Names.canonical(initiatorName);
        for (CompiledGroup g : groups) {
            for (Pattern p : g.patterns) {
                if (p.matcher(name).matches()) {
                    return g.spec.luns();
                }
            }
        }
        return defaults;
    }

    /**
     * Whether an initiator name matches one of a group's patterns, by the rule {@link #lunsFor}
     * applies (wildcards, case-insensitive); the iSCSI driver picks per-group CHAP credentials with it.
     */
    public static Predicate<String> initiatorMatcher(List<String> patterns) {
        List<Pattern> compiled = patterns.stream().map(TargetAcl::wildcard).toList();
        return initiatorName -> {
            String name = Names.canonical(initiatorName);
            for (Pattern p : compiled) {
                if (p.matcher(name).matches()) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Turns {@code *} and {@code ?} wildcards into a pattern; everything else is literal. */
    static Pattern wildcard(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : Names.canonical(glob).toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString());
    }

    private record CompiledGroup(GroupSpec spec, List<Pattern> patterns) {
        CompiledGroup(GroupSpec spec) {
            this(spec, spec.initiators().stream().map(TargetAcl::wildcard).toList());
        }
    }
}
