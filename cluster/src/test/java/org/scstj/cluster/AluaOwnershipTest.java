package org.scstj.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The owner of a device group as a pure function of its preferred nodes, failback and the Up members by age. */
class AluaOwnershipTest {
    private static final AluaOwnership.OwnedGroup BACK = new AluaOwnership.OwnedGroup("db", List.of("n1", "n2", "n3"), true);
    private static final AluaOwnership.OwnedGroup STAY = new AluaOwnership.OwnedGroup("db", List.of("n1", "n2", "n3"), false);

    @Test
    void failbackOnTakesTheFirstUpPreferredNode() {
        assertEquals("n1", AluaOwnership.owner(BACK, List.of("n1", "n2", "n3")));
        assertEquals("n2", AluaOwnership.owner(BACK, List.of("n3", "n2")));
        // n1 came back (youngest member): it takes the group back
        assertEquals("n1", AluaOwnership.owner(BACK, List.of("n2", "n3", "n1")));
    }

    @Test
    void failbackOffKeepsTheLongestUpPreferredNode() {
        assertEquals("n1", AluaOwnership.owner(STAY, List.of("n1", "n2", "n3")));
        assertEquals("n2", AluaOwnership.owner(STAY, List.of("n2", "n3")));
        assertEquals("n2", AluaOwnership.owner(STAY, List.of("n2", "n3", "n1")));
    }

    @Test
    void onlyPreferredNodesOwn() {
        AluaOwnership.OwnedGroup two = new AluaOwnership.OwnedGroup("db", List.of("n2", "n3"), false);
        assertEquals("n2", AluaOwnership.owner(two, List.of("n1", "n2", "n3")));
        assertNull(AluaOwnership.owner(two, List.of("n1")));
        assertNull(AluaOwnership.owner(BACK, List.of()));
    }
}
