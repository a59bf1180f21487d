package org.scstj.engine.model;

import org.junit.jupiter.api.Test;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.alua.Tpgs;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/design/cluster.md 5.4: the states a cluster's decision gives each device group, a pure
 * function of (owner, up nodes); for active-standby never two active/optimized groups.
 */
class AluaSpecOwnersTest {
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private static final AluaSpec SPEC = new AluaSpec(10, Duration.ofMillis(500), List.of(
            new AluaSpec.TargetGroupSpec("t1", 1, Set.of(1), "n1"),
            new AluaSpec.TargetGroupSpec("t2", 2, Set.of(), "n2"),
            new AluaSpec.TargetGroupSpec("t3", 3, Set.of(), "n3")), List.of(
            new AluaSpec.DeviceGroupSpec("db", Set.of("d0"), Map.of(), Set.of(), AluaSpec.Policy.ACTIVE_STANDBY,
                    NODES, true),
            new AluaSpec.DeviceGroupSpec("aa", Set.of("d1"), Map.of(), Set.of(), AluaSpec.Policy.ACTIVE_ACTIVE,
                    NODES, false),
            new AluaSpec.DeviceGroupSpec("m", Set.of("d2"), Map.of(2, AccessState.STANDBY), Set.of())));

    private static Map<Integer, AccessState> states(AluaSpec spec, String device) {
        Map<Integer, AccessState> out = new HashMap<>();
        for (TargetPortGroup g : spec.stateFor(device, List.of()).groups()) {
            out.put(g.id(), g.state());
        }
        return out;
    }

    @Test
    void activeStandby_ownerActiveOptimized_upStandby_downUnavailable() {
        AluaSpec s = SPEC.withOwners(Map.of("db", "n2"), Set.of("n2", "n3"));
        assertEquals(Map.of(1, AccessState.UNAVAILABLE, 2, AccessState.ACTIVE_OPTIMIZED, 3, AccessState.STANDBY),
                states(s, "d0"));
        assertEquals(Tpgs.IMPLICIT, s.stateFor("d0", List.of()).tpgs(), "no SET TARGET PORT GROUPS for a cluster-owned group");
    }

    @Test
    void activeActive_ownerOptimized_othersNonOptimized() {
        AluaSpec s = SPEC.withOwners(Map.of("aa", "n1"), Set.of("n1", "n2"));
        assertEquals(Map.of(1, AccessState.ACTIVE_OPTIMIZED, 2, AccessState.ACTIVE_NON_OPTIMIZED,
                3, AccessState.UNAVAILABLE), states(s, "d1"));
    }

    @Test
    void manual_keepsItsStates_butANodeNotUpIsUnavailable() {
        AluaSpec s = SPEC.withOwners(Map.of(), Set.of("n1", "n2"));
        assertEquals(Map.of(1, AccessState.ACTIVE_OPTIMIZED, 2, AccessState.STANDBY, 3, AccessState.UNAVAILABLE),
                states(s, "d2"));
        assertEquals(Tpgs.IMPLICIT, s.stateFor("d2", List.of()).tpgs(),
                "in a cluster a manual group changes through the admin API (on every node), not by STPG (on one)");
    }

    @Test
    void ownerUnreachable_standbyGroupsTransitioning_servingGroupsKeepServing() {
        // design 5.4 step 1: n1 owns both, this node cannot reach it, the cluster has not removed it
        AluaSpec s = SPEC.withOwners(Map.of("db", "n1", "aa", "n1"), Set.of("n1", "n2", "n3"), Set.of("n1"));
        assertEquals(Map.of(1, AccessState.ACTIVE_OPTIMIZED, 2, AccessState.TRANSITIONING, 3, AccessState.TRANSITIONING),
                states(s, "d0"));
        assertEquals(Map.of(1, AccessState.ACTIVE_OPTIMIZED, 2, AccessState.ACTIVE_NON_OPTIMIZED,
                3, AccessState.ACTIVE_NON_OPTIMIZED), states(s, "d1"), "active/non-optimized paths keep serving");
        assertEquals(Map.of(1, AccessState.ACTIVE_OPTIMIZED, 2, AccessState.STANDBY, 3, AccessState.ACTIVE_OPTIMIZED),
                states(s, "d2"), "manual groups are not the cluster's");
        // an unreachable node that owns nothing changes nothing
        assertEquals(states(SPEC.withOwners(Map.of("db", "n2"), Set.of("n1", "n2", "n3")), "d0"),
                states(SPEC.withOwners(Map.of("db", "n2"), Set.of("n1", "n2", "n3"), Set.of("n3")), "d0"));
    }

    @Test
    void noOwner_noGroupActiveOptimized() {
        AluaSpec s = SPEC.withOwners(Map.of(), Set.of());
        assertEquals(Map.of(1, AccessState.UNAVAILABLE, 2, AccessState.UNAVAILABLE, 3, AccessState.UNAVAILABLE),
                states(s, "d0"));
        AluaSpec none = SPEC.withOwners(Map.of(), Set.of("n1", "n2", "n3"));
        assertTrue(states(none, "d0").values().stream().noneMatch(a -> a == AccessState.ACTIVE_OPTIMIZED));
    }

    /** Every owner (or none) and every set of up nodes: at most one active/optimized group, and it is the owner's. */
    @Test
    void everyMembership_atMostOneActiveOptimized() {
        List<String> owners = new java.util.ArrayList<>(NODES);
        owners.add(null);
        for (int mask = 0; mask < 8; mask++) {
            Set<String> up = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                if ((mask & (1 << i)) != 0) {
                    up.add(NODES.get(i));
                }
            }
            for (String owner : owners) {
                Map<String, String> o = new HashMap<>();
                o.put("db", owner);
                AluaState d0 = SPEC.withOwners(o, up).stateFor("d0", List.of());
                List<Integer> ao = d0.groups().stream().filter(g -> g.state() == AccessState.ACTIVE_OPTIMIZED)
                        .map(TargetPortGroup::id).toList();
                assertTrue(ao.size() <= 1, "up " + up + " owner " + owner + ": " + ao);
                if (!ao.isEmpty()) {
                    assertEquals("n" + ao.get(0), owner);
                    assertTrue(up.contains(owner));
                }
            }
        }
    }
}
