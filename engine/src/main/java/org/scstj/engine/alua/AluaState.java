package org.scstj.engine.alua;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The asymmetric access state of every target port group of one logical unit (SPC-5 5.16),
 * immutable; the LU's LUN actor holds the current one and replaces it whole.
 *
 * <p>Without configuration a logical unit has one target port group per iSCSI portal group, its
 * id the portal group tag (the TARGET PORT GROUP designator of VPD 83h already says so), every
 * group active/optimized: the LUN actor adds a group, or a port to a group, the first time a
 * nexus through it arrives ({@link #withPort}). A group not known (yet) is active/optimized.
 *
 * @param version                   bumped by every change
 * @param groups                    the target port groups, by ascending id
 * @param implicitTransitionSeconds IMPLICIT TRANSITION TIME of the extended RTPG header (SPC-5 6.37), 0..255
 * @param transitionDelay           how long a changing group shows TRANSITIONING before its new state
 *                                  (SPC-5 5.16.2.6); zero: the change is at once
 * @param tpgs                      the TPGS field of INQUIRY (SPC-5 6.7.2)
 */
public record AluaState(long version, List<TargetPortGroup> groups, int implicitTransitionSeconds,
                        Duration transitionDelay, Tpgs tpgs) {
    /** Implicit and explicit ALUA, no group known yet, no transition delay. */
    public static final AluaState DEFAULT = new AluaState(0, List.of(), 10, Duration.ZERO, Tpgs.BOTH);

    public AluaState {
        groups = groups.stream().sorted(Comparator.comparingInt(TargetPortGroup::id)).toList();
        Objects.requireNonNull(transitionDelay);
        Objects.requireNonNull(tpgs);
        if (implicitTransitionSeconds < 0 || implicitTransitionSeconds > 0xFF) {
            throw new IllegalArgumentException("implicit transition time " + implicitTransitionSeconds);
        }
    }

    /** The state of target port group {@code id}; active/optimized for a group not known. */
    public AccessState stateOf(int id) {
        TargetPortGroup g = group(id);
        return g == null ? AccessState.ACTIVE_OPTIMIZED : g.state();
    }

    /** Target port group {@code id}, or null. */
    public TargetPortGroup group(int id) {
        for (TargetPortGroup g : groups) {
            if (g.id() == id) {
                return g;
            }
        }
        return null;
    }

    /** Whether group {@code id} is known and has port {@code relativeTargetPortId} (no allocation). */
    public boolean knows(int id, int relativeTargetPortId) {
        TargetPortGroup g = group(id);
        return g != null && g.has(relativeTargetPortId);
    }

    /** Whether some group has port {@code relativeTargetPortId} (SPC-5 5.16.2.1: a port is in one group). */
    public boolean hasPort(int relativeTargetPortId) {
        for (TargetPortGroup g : groups) {
            if (g.has(relativeTargetPortId)) {
                return true;
            }
        }
        return false;
    }

    /** This state with port {@code relativeTargetPortId} in group {@code id} (a new group: active/optimized). */
    public AluaState withPort(int id, int relativeTargetPortId) {
        List<TargetPortGroup> next = new ArrayList<>(groups.size() + 1);
        boolean found = false;
        for (TargetPortGroup g : groups) {
            if (g.id() == id) {
                next.add(g.withPort(relativeTargetPortId));
                found = true;
            } else {
                next.add(g);
            }
        }
        if (!found) {
            next.add(new TargetPortGroup(id, AccessState.ACTIVE_OPTIMIZED, false, TargetPortGroup.NO_STATUS,
                    new int[] {relativeTargetPortId}));
        }
        return new AluaState(version, next, implicitTransitionSeconds, transitionDelay, tpgs);
    }

    /**
     * This state with the groups of {@code states} in their new states, each group that changes
     * given {@code status} (SPC-5 6.37 STATUS CODE); the version bumped. Groups not named keep theirs.
     */
    public AluaState with(Map<Integer, AccessState> states, int status) {
        List<TargetPortGroup> next = new ArrayList<>(groups.size());
        for (TargetPortGroup g : groups) {
            AccessState s = states.get(g.id());
            next.add(s == null || s == g.state() ? g : g.in(s, status));
        }
        return new AluaState(version + 1, next, implicitTransitionSeconds, transitionDelay, tpgs);
    }

    /** The groups whose state differs between this and {@code other} (by id). */
    public List<Integer> changedFrom(AluaState other) {
        List<Integer> changed = new ArrayList<>();
        for (TargetPortGroup g : groups) {
            if (g.state() != other.stateOf(g.id())) {
                changed.add(g.id());
            }
        }
        return changed;
    }
}
