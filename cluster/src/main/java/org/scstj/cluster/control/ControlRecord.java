package org.scstj.cluster.control;

import org.scstj.cluster.CborSerializable;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.ReservationsData;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * One logical unit's control state at one version (docs/design/cluster.md 4.2, 4.3): its
 * reservations and its mode parameters; the version is (epoch, seq), compared in that order. An epoch is one incarnation
 * of the LU's single writer; seq counts its changes. Immutable; this is what the writer keeps on a
 * majority (and on their disks: the {@code lu-ctl-*} keys are durable) and hands to every node.
 *
 * @param incarnation the cluster incarnation the record was last written in ({@link ClusterIncarnation};
 *                    null: never written), which tells a recovering writer that the whole cluster
 *                    was restarted since (SPC-5 5.14.4 power-on, design 4.8)
 * @param mode        the current and saved mode parameters (SPC-5 7.5.2); null while no MODE
 *                    SELECT or reset went through the writer (each node has its own start values)
 * @param answers     per requester (one LU port on one node, {@link ClusteredLuControl}), the answer
 *                    to its last change that this record applied: a change sent again to a new
 *                    writer is answered from here instead of being applied twice
 */
public record ControlRecord(String device, long epoch, long seq, ReservationsData pr, ModeParameters.Data mode,
                            String incarnation, Map<String, Answer> answers) implements CborSerializable {
    /** How many requesters' answers a record keeps (the ones of the latest changes). */
    static final int ANSWERS = 64;

    /** The answer {@code result} to change {@code op} of its requester, applied at record seq {@code at}. */
    public record Answer(long op, Wire.Result result, long at) {
    }

    public ControlRecord {
        answers = answers == null ? Map.of() : Map.copyOf(answers);
    }

    /** The record of an LU nothing was ever kept for. */
    public static ControlRecord empty(String device) {
        return new ControlRecord(device, 0, 0, ReservationsData.EMPTY, null, null, Map.of());
    }

    /** (epoch, seq) as one number, for the register's clock and for comparisons. */
    public long version() {
        return epoch << 32 | seq;
    }

    /**
     * The next change's record: same epoch, next seq, reservations {@code data}, mode parameters
     * {@code mode}, the change's answer kept for its requester.
     */
    public ControlRecord next(ReservationsData data, ModeParameters.Data mode, String requester, long op,
                              Wire.Result result) {
        Map<String, Answer> kept = new HashMap<>(answers);
        kept.put(requester, new Answer(op, result, seq + 1));
        while (kept.size() > ANSWERS) {
            kept.values().stream().min(Comparator.comparingLong(Answer::at))
                    .ifPresent(oldest -> kept.values().remove(oldest));
        }
        return new ControlRecord(device, epoch, seq + 1, data, mode, incarnation, kept);
    }

    /**
     * This record at version (epoch, seq) in cluster incarnation {@code incarnation} with
     * reservations {@code data} and mode parameters {@code mode}.
     */
    public ControlRecord at(long epoch, long seq, ReservationsData data, ModeParameters.Data mode, String incarnation) {
        return new ControlRecord(device, epoch, seq, data, mode, incarnation, answers);
    }
}
