package org.scstj.engine.alua;

import java.util.Arrays;

/**
 * SPC-5 5.16.2.1: one target port group of a logical unit, as REPORT TARGET PORT GROUPS describes
 * it (SPC-5 6.37): its identifier, its asymmetric access state, the PREF bit, the STATUS CODE of
 * its last change, and the relative target port identifiers of its ports, ascending.
 *
 * @param id                    TARGET PORT GROUP, 1..65535 (by default the iSCSI portal group tag)
 * @param state                 its asymmetric access state
 * @param preferred             PREF: a preferred target port group (SPC-5 5.16.2.5)
 * @param statusCode            STATUS CODE: {@link #NO_STATUS}, {@link #ALTERED_BY_SET_TPG}, {@link #ALTERED_IMPLICITLY}
 * @param relativeTargetPortIds its ports, ascending, no duplicates
 */
public record TargetPortGroup(int id, AccessState state, boolean preferred, int statusCode, int[] relativeTargetPortIds) {
    /** SPC-5 6.37 STATUS CODE 00h: no status available. */
    public static final int NO_STATUS = 0x00;
    /** 01h: target port asymmetric access state altered by SET TARGET PORT GROUPS command. */
    public static final int ALTERED_BY_SET_TPG = 0x01;
    /** 02h: target port asymmetric access state altered by implicit asymmetric logical unit access behavior. */
    public static final int ALTERED_IMPLICITLY = 0x02;

    public TargetPortGroup {
        if (id < 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("target port group " + id);
        }
        relativeTargetPortIds = Arrays.stream(relativeTargetPortIds).distinct().sorted().toArray();
    }

    /** The ports (a copy). */
    @Override
    public int[] relativeTargetPortIds() {
        return relativeTargetPortIds.clone();
    }

    /** Whether port {@code relativeTargetPortId} is one of this group's. */
    public boolean has(int relativeTargetPortId) {
        return Arrays.binarySearch(relativeTargetPortIds, relativeTargetPortId) >= 0;
    }

    /** This group with one more port. */
    public TargetPortGroup withPort(int relativeTargetPortId) {
        int[] ports = Arrays.copyOf(relativeTargetPortIds, relativeTargetPortIds.length + 1);
        ports[ports.length - 1] = relativeTargetPortId;
        return new TargetPortGroup(id, state, preferred, statusCode, ports);
    }

    /** This group in another state, with the status code of the change. */
    public TargetPortGroup in(AccessState next, int status) {
        return new TargetPortGroup(id, next, preferred, status, relativeTargetPortIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetPortGroup g && g.id == id && g.state == state && g.preferred == preferred
                && g.statusCode == statusCode && Arrays.equals(g.relativeTargetPortIds, relativeTargetPortIds);
    }

    @Override
    public int hashCode() {
        return id * 31 + state.hashCode();
    }

    @Override
    public String toString() {
        return "TPG " + id + " " + state + (preferred ? " PREF" : "") + " ports " + Arrays.toString(relativeTargetPortIds);
    }
}
