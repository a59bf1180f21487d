package org.scstj.engine.model;

import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.alua.Tpgs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configured asymmetric logical unit access (SPC-5 5.16) of the engine's devices
 * ({@code scstj.alua}, docs/design/cluster.md 2.1). A target port group holds the target ports
 * of one or more iSCSI portal groups; a portal group in none is a target port group of its own,
 * its id the portal group tag. A device group names devices that share the states of those groups.
 *
 * @param implicitTransitionSeconds IMPLICIT TRANSITION TIME of REPORT TARGET PORT GROUPS (SPC-5 6.37)
 * @param transitionDelay           how long a changing group shows TRANSITIONING (SPC-5 5.16.2.6)
 * @param targetGroups              the target port groups and the portal groups in each; empty:
 *                                  one per portal group, id = tag
 * @param deviceGroups              the device groups; a device in none has every group active/optimized
 */
public record AluaSpec(int implicitTransitionSeconds, Duration transitionDelay, List<TargetGroupSpec> targetGroups,
                       List<DeviceGroupSpec> deviceGroups) {
    /** No configuration: SPC-5 defaults as the design gives them. */
    public static final AluaSpec DEFAULT = new AluaSpec(10, Duration.ZERO, List.of(), List.of());

    public AluaSpec {
        targetGroups = List.copyOf(targetGroups);
        deviceGroups = List.copyOf(deviceGroups);
    }

    /** Without target groups: one target port group per portal group. */
    public AluaSpec(int implicitTransitionSeconds, Duration transitionDelay, List<DeviceGroupSpec> deviceGroups) {
        this(implicitTransitionSeconds, transitionDelay, List.of(), deviceGroups);
    }

    /**
     * One target port group (SPC-5 5.16.2.1): its name, its TARGET PORT GROUP id (1..65535) and the
     * tags of the iSCSI portal groups whose target ports it holds.
     */
    public record TargetGroupSpec(String name, int id, Set<Integer> portalGroupTags, String node) {
        public TargetGroupSpec {
            portalGroupTags = Set.copyOf(portalGroupTags);
            if (id < 1 || id > 0xFFFF) {
                throw new IllegalArgumentException("target port group " + id);
            }
        }

        /** A group of this node (no cluster, or no {@code node} given). */
        public TargetGroupSpec(String name, int id, Set<Integer> portalGroupTags) {
            this(name, id, portalGroupTags, null);
        }
    }

    /**
     * How a device group's states are chosen in a cluster (docs/design/cluster.md 2.1, 5.4):
     * {@code MANUAL} as configured (a node not up has its groups unavailable); {@code
     * ACTIVE_ACTIVE} the owner node's groups active/optimized, the other up nodes'
     * active/non-optimized; {@code ACTIVE_STANDBY} the owner's active/optimized, the other up
     * nodes' standby. On one node every policy gives the configured states.
     */
    public enum Policy {
        MANUAL, ACTIVE_ACTIVE, ACTIVE_STANDBY;

        /** Its configuration name: manual, active-active, active-standby. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One device group: its devices, the state of each target port group it names (by id; the
     * others active/optimized), the groups with PREF set.
     */
    public record DeviceGroupSpec(String name, Set<String> devices, Map<Integer, AccessState> states,
                                  Set<Integer> preferred, Policy policy, List<String> preferredNodes, boolean failback) {
        public DeviceGroupSpec {
            devices = Set.copyOf(devices);
            states = Map.copyOf(states);
            preferred = Set.copyOf(preferred);
            preferredNodes = List.copyOf(preferredNodes);
            java.util.Objects.requireNonNull(policy);
        }

        /** A manual group (its states as given). */
        public DeviceGroupSpec(String name, Set<String> devices, Map<Integer, AccessState> states, Set<Integer> preferred) {
            this(name, devices, states, preferred, Policy.MANUAL, List.of(), false);
        }

        /** Whether a cluster chooses its states (an owner node): active-active or active-standby. */
        public boolean owned() {
            return policy != Policy.MANUAL;
        }
    }

    /** The target port group ids of cluster node {@code node} ({@link TargetGroupSpec#node}), in id order. */
    public List<Integer> groupsOfNode(String node) {
        return targetGroups.stream().filter(g -> node.equals(g.node())).map(TargetGroupSpec::id).sorted().toList();
    }

    /**
     * This configuration with the device groups' states as a cluster's membership gives them
     * (docs/design/cluster.md 5.4), the pure function every node applies to the same decision:
     * for a device group with an owner policy, the owner node's target port groups are
     * active/optimized, the groups of the other nodes that are up standby (active-standby) or
     * active/non-optimized (active-active), the groups of nodes not up unavailable; with no owner
     * (none of its preferred nodes may take it yet) no group is active/optimized. A manual device
     * group keeps its configured states except that the groups of nodes not up are unavailable.
     * Target groups with no node (this node's, outside a cluster) are left as configured.
     *
     * @param owners the owner node of each owned device group (absent or null: none now)
     * @param up     the cluster nodes that are up
     */
    public AluaSpec withOwners(Map<String, String> owners, Set<String> up) {
        return withOwners(owners, up, Set.of());
    }

    /**
     * As {@link #withOwners(Map, Set)}, while this node cannot reach the owners in {@code waiting}
     * (unreachable, not yet removed by the cluster): their groups' target port groups that would
     * be standby are TRANSITIONING instead (docs/design/cluster.md 5.4 step 1; SPC-5 5.16.2.5), so
     * initiators retry them rather than fail the path while the cluster decides. Groups that
     * serve (active/non-optimized of active-active) keep serving.
     */
    public AluaSpec withOwners(Map<String, String> owners, Set<String> up, Set<String> waiting) {
        List<DeviceGroupSpec> out = new ArrayList<>(deviceGroups.size());
        for (DeviceGroupSpec g : deviceGroups) {
            Map<Integer, AccessState> states = new TreeMap<>(g.states());
            String owner = owners.get(g.name());
            for (TargetGroupSpec t : targetGroups) {
                if (t.node() == null) {
                    continue;
                }
                boolean nodeUp = up.contains(t.node());
                if (!nodeUp) {
                    states.put(t.id(), AccessState.UNAVAILABLE);
                } else if (!g.owned()) {
                    states.putIfAbsent(t.id(), AccessState.ACTIVE_OPTIMIZED); // listed by every node's RTPG
                } else if (t.node().equals(owner)) {
                    states.put(t.id(), AccessState.ACTIVE_OPTIMIZED);
                } else if (g.policy() == Policy.ACTIVE_ACTIVE && owner != null) {
                    states.put(t.id(), AccessState.ACTIVE_NON_OPTIMIZED);
                } else if (owner != null && waiting.contains(owner)) {
                    states.put(t.id(), AccessState.TRANSITIONING);
                } else {
                    states.put(t.id(), AccessState.STANDBY);
                }
            }
            out.add(new DeviceGroupSpec(g.name(), g.devices(), states, g.preferred(), g.policy(), g.preferredNodes(),
                    g.failback()));
        }
        return new AluaSpec(implicitTransitionSeconds, transitionDelay, targetGroups, out);
    }

    /**
     * The ALUA target port group the ports of portal group {@code tag} are in: the id of the
     * target group listing it, else the tag (SPC-5 5.16.2.1; VPD 83h's TARGET PORT GROUP
     * designator, SPC-5 7.7.6.6, carries it).
     */
    public int targetPortGroupOf(int tag) {
        for (TargetGroupSpec g : targetGroups) {
            if (g.portalGroupTags().contains(tag)) {
                return g.id();
            }
        }
        return tag;
    }

    /** The device group {@code device} is in, or null. */
    public DeviceGroupSpec deviceGroupOf(String device) {
        for (DeviceGroupSpec g : deviceGroups) {
            if (g.devices().contains(device)) {
                return g;
            }
        }
        return null;
    }

    /** The state device {@code device} starts in without knowing its ports: its group's target port groups. */
    public AluaState initialFor(String device) {
        return stateFor(device, List.of());
    }

    /**
     * The target port groups of device {@code device} with their ports and states: every group
     * holding a target port of a target that maps the device (REPORT TARGET PORT GROUPS lists it
     * with its relative target port identifiers before any nexus came through it, SPC-5 6.37),
     * and every group its device group names; states from the device group, the others
     * active/optimized. Targets whose portal groups are not known ({@link TargetSpec#portIdsByGroup}
     * empty) add no port: the LUN actor learns it from the first nexus.
     */
    public AluaState stateFor(String device, Collection<TargetSpec> targets) {
        SortedMap<Integer, SortedSet<Integer>> ports = new TreeMap<>();
        for (TargetSpec t : targets) {
            if (!maps(t, device)) {
                continue;
            }
            for (Map.Entry<Integer, Integer> e : t.portIdsByGroup().entrySet()) {
                ports.computeIfAbsent(targetPortGroupOf(e.getKey()), k -> new TreeSet<>()).add(e.getValue());
            }
        }
        DeviceGroupSpec dg = deviceGroupOf(device);
        if (dg != null) {
            dg.states().keySet().forEach(id -> ports.computeIfAbsent(id, k -> new TreeSet<>()));
            dg.preferred().forEach(id -> ports.computeIfAbsent(id, k -> new TreeSet<>()));
        }
        List<TargetPortGroup> groups = new ArrayList<>(ports.size());
        for (Map.Entry<Integer, SortedSet<Integer>> e : ports.entrySet()) {
            int id = e.getKey();
            AccessState state = dg == null ? AccessState.ACTIVE_OPTIMIZED
                    : dg.states().getOrDefault(id, AccessState.ACTIVE_OPTIMIZED);
            boolean preferred = dg != null && dg.preferred().contains(id);
            groups.add(new TargetPortGroup(id, state, preferred, TargetPortGroup.NO_STATUS,
                    e.getValue().stream().mapToInt(Integer::intValue).toArray()));
        }
        // in a cluster: implicit ALUA only (TPGS 01b), so SET TARGET PORT GROUPS is not supported
        // (SPC-5 6.47, 20/00): an owned group's states are the cluster's choice, and a manual
        // group's change through the admin API, which applies on every node; an STPG would change
        // the states on the node it arrives through only
        Tpgs tpgs = clustered() ? Tpgs.IMPLICIT : Tpgs.BOTH;
        return new AluaState(0, groups, implicitTransitionSeconds, transitionDelay, tpgs);
    }

    /** Whether target groups are bound to cluster nodes. */
    public boolean clustered() {
        return targetGroups.stream().anyMatch(g -> g.node() != null);
    }

    private static boolean maps(TargetSpec t, String device) {
        for (LunMapping m : t.defaultLuns()) {
            if (m.device().equals(device)) {
                return true;
            }
        }
        for (GroupSpec g : t.groups()) {
            for (LunMapping m : g.luns()) {
                if (m.device().equals(device)) {
                    return true;
                }
            }
        }
        return false;
    }
}
