package org.scstj.cluster;

import java.util.List;
import java.util.Objects;

/**
 * Which cluster node owns a device group's ALUA states (docs/design/cluster.md 5.4): a pure
 * function of the group's configuration and the membership every node agrees on (Pekko's Up
 * members and their age).
 *
 * <ul>
 *   <li>{@code failback = on}: the first of {@code preferred-nodes} that is Up. A preferred node
 *       that comes back takes the group back (through a hand-over, {@link AluaCoordinator}).</li>
 *   <li>{@code failback = off}: the preferred node that has been Up longest (Pekko's member age:
 *       the order in which the leader moved members to Up). Ownership moves only when its owner
 *       leaves or is removed; a node that comes back joins as the youngest and takes nothing.
 *       After a cold start where the nodes come up in {@code preferred-nodes} order (the first seed
 *       forms the cluster) this is the first preferred node too.</li>
 * </ul>
 */
public final class AluaOwnership {
    private AluaOwnership() {
    }

    /**
     * One device group a cluster chooses an owner for (policy active-active or active-standby).
     *
     * @param name           the device group's name
     * @param preferredNodes the nodes that may own it, in order of preference
     * @param failback       whether a more preferred node takes the group back when it is Up again
     */
    public record OwnedGroup(String name, List<String> preferredNodes, boolean failback) {
        public OwnedGroup {
            Objects.requireNonNull(name);
            preferredNodes = List.copyOf(preferredNodes);
        }
    }

    /**
     * The owner of {@code group}, or null when none of its preferred nodes is Up.
     *
     * @param upOldestFirst the names of the Up members, oldest first
     */
    public static String owner(OwnedGroup group, List<String> upOldestFirst) {
        if (group.failback()) {
            for (String n : group.preferredNodes()) {
                if (upOldestFirst.contains(n)) {
                    return n;
                }
            }
            return null;
        }
        for (String n : upOldestFirst) {
            if (group.preferredNodes().contains(n)) {
                return n;
            }
        }
        return null;
    }
}
