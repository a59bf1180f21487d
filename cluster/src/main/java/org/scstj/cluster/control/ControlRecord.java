package org.scstj.cluster.control;

import org.scstj.cluster.CborSerializable;
import org.scstj.engine.pr.ReservationsData;

/**
 * One logical unit's control state at one version (docs/design/cluster.md 4.2, 4.3): its
 * reservations; the version is (epoch, seq), compared in that order. An epoch is one incarnation
 * of the LU's single writer; seq counts its changes. Immutable; this is what the writer keeps on a
 * majority and hands to every node.
 */
public record ControlRecord(String device, long epoch, long seq, ReservationsData pr) implements CborSerializable {
    /** The record of an LU nothing was ever kept for. */
    public static ControlRecord empty(String device) {
        return new ControlRecord(device, 0, 0, ReservationsData.EMPTY);
    }

    /** (epoch, seq) as one number, for the register's clock and for comparisons. */
    public long version() {
        return epoch << 32 | seq;
    }

    /** The next change's record: same epoch, next seq. */
    public ControlRecord next(ReservationsData data) {
        return new ControlRecord(device, epoch, seq + 1, data);
    }

    /** The first record of a new incarnation: the same state, epoch + 1, seq 0. */
    public ControlRecord newEpoch() {
        return new ControlRecord(device, epoch + 1, 0, pr);
    }
}
