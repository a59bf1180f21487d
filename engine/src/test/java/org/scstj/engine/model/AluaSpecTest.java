package org.scstj.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SPC-5 5.16.2.1: target port groups made of portal groups, and each LU's groups seeded with their ports. */
class AluaSpecTest {
    private static final TargetSpec A = new TargetSpec("iqn.2026-12.org.scstj:a",
            List.of(new LunMapping(0, "d0", false)), List.of(), 1, Map.of(1, 1, 2, 2, 3, 3));
    private static final TargetSpec B = new TargetSpec("iqn.2026-12.org.scstj:b",
            List.of(new LunMapping(0, "d1", false)), List.of(new GroupSpec("g", List.of("iqn.x"),
            List.of(new LunMapping(1, "d0", false)))), 4, Map.of(1, 4));

    @Test
    void targetPortGroupOf_isTheTargetGroupListingTheTag_elseTheTag() {
        AluaSpec spec = new AluaSpec(10, Duration.ZERO, List.of(new AluaSpec.TargetGroupSpec("fast", 7, Set.of(1, 2))),
                List.of());
        assertEquals(7, spec.targetPortGroupOf(1));
        assertEquals(7, spec.targetPortGroupOf(2));
        assertEquals(3, spec.targetPortGroupOf(3), "in no target group: its own, id = tag");
        assertEquals(3, AluaSpec.DEFAULT.targetPortGroupOf(3));
    }

    @Test
    void stateFor_listsEveryGroupWithThePortsOfTheTargetsMappingTheDevice() {
        AluaSpec spec = new AluaSpec(10, Duration.ZERO, List.of(new AluaSpec.TargetGroupSpec("fast", 7, Set.of(1, 2))),
                List.of(new AluaSpec.DeviceGroupSpec("db", Set.of("d0"), Map.of(3, AccessState.STANDBY), Set.of(7))));
        AluaState d0 = spec.stateFor("d0", List.of(A, B));
        assertEquals(List.of(3, 7), d0.groups().stream().map(g -> g.id()).toList());
        assertArrayEquals(new int[] {1, 2, 4}, d0.group(7).relativeTargetPortIds(), "A's ports 1, 2 and B's 4 (a group's LUN)");
        assertArrayEquals(new int[] {3}, d0.group(3).relativeTargetPortIds());
        assertEquals(AccessState.STANDBY, d0.stateOf(3));
        assertEquals(AccessState.ACTIVE_OPTIMIZED, d0.stateOf(7));
        assertEquals(true, d0.group(7).preferred());

        AluaState d1 = spec.stateFor("d1", List.of(A, B));
        assertEquals(List.of(7), d1.groups().stream().map(g -> g.id()).toList(), "only B maps d1, through tag 1");
        assertArrayEquals(new int[] {4}, d1.group(7).relativeTargetPortIds());
        assertEquals(List.of(), spec.stateFor("d2", List.of(A, B)).groups(), "mapped by no target");
    }
}
