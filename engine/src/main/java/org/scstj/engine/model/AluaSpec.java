package org.scstj.engine.model;

import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.alua.Tpgs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured asymmetric logical unit access (SPC-5 5.16) of the engine's devices
 * ({@code scstj.alua}, docs/design/cluster.md 2.1). Target port groups are one per iSCSI portal
 * group, the id its tag; a device group names devices that share the states of those groups.
 *
 * @param implicitTransitionSeconds IMPLICIT TRANSITION TIME of REPORT TARGET PORT GROUPS (SPC-5 6.37)
 * @param transitionDelay           how long a changing group shows TRANSITIONING (SPC-5 5.16.2.6)
 * @param deviceGroups              the device groups; a device in none has every group active/optimized
 */
public record AluaSpec(int implicitTransitionSeconds, Duration transitionDelay, List<DeviceGroupSpec> deviceGroups) {
    /** No configuration: SPC-5 defaults as the design gives them. */
    public static final AluaSpec DEFAULT = new AluaSpec(10, Duration.ZERO, List.of());

    public AluaSpec {
        deviceGroups = List.copyOf(deviceGroups);
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

    /** The state device {@code device} starts in: its group's target port groups, their ports learnt later. */
    public AluaState initialFor(String device) {
        List<TargetPortGroup> groups = new ArrayList<>();
        for (DeviceGroupSpec g : deviceGroups) {
            if (g.devices().contains(device)) {
                java.util.SortedSet<Integer> ids = new java.util.TreeSet<>(g.states().keySet());
                ids.addAll(g.preferred());
                for (int id : ids) {
                    groups.add(new TargetPortGroup(id, g.states().getOrDefault(id, AccessState.ACTIVE_OPTIMIZED),
                            g.preferred().contains(id), TargetPortGroup.NO_STATUS, new int[0]));
                }
            }
        }
        return new AluaState(0, groups, implicitTransitionSeconds, transitionDelay, Tpgs.BOTH);
    }
}
