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
    public record TargetGroupSpec(String name, int id, Set<Integer> portalGroupTags) {
        public TargetGroupSpec {
            portalGroupTags = Set.copyOf(portalGroupTags);
            if (id < 1 || id > 0xFFFF) {
                throw new IllegalArgumentException("target port group " + id);
            }
        }
    }

    /**
     * One device group: its devices, the state of each target port group it names (by id; the
     * others active/optimized), the groups with PREF set.
     */
    public record DeviceGroupSpec(String name, Set<String> devices, Map<Integer, AccessState> states,
                                  Set<Integer> preferred) {
        public DeviceGroupSpec {
            devices = Set.copyOf(devices);
            states = Map.copyOf(states);
            preferred = Set.copyOf(preferred);
        }
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
        return new AluaState(0, groups, implicitTransitionSeconds, transitionDelay, Tpgs.BOTH);
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
