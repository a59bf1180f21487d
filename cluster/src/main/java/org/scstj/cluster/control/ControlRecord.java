package org.scstj.cluster.control;

import org.scstj.cluster.CborSerializable;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.ReservationsData;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * One logical unit's control state at one version (docs/design/cluster.md 4.2, 4.3): its
 * reservations and its mode parameters; the version is (life, epoch, seq), compared in that order. A life is one
 * life of the whole cluster as the record saw it: a writer that recovers the record after a restart of the whole
 * cluster (power on, design 4.8) starts the next life, so that its record outranks any record of an earlier life,
 * whatever its epoch (a writer of the earlier life may have reached a higher epoch on disks that the power-on read did
 * not reach, as when the cluster stopped while a writer was recovering). An epoch is one incarnation of the LU's
 * single writer; seq counts its changes. Immutable; this is what the writer keeps on a
 * majority (and on their disks: the {@code lu-ctl-*} keys are durable) and hands to every node.
 *
 * @param incarnation the cluster incarnation the record was last written in ({@link ClusterIncarnation};
 *                    null: never written), which tells a recovering writer that the whole cluster
 *                    was restarted since (SPC-5 5.14.4 power-on, design 4.8)
 * @param mode        the current and saved mode parameters (SPC-5 7.5.2); null while no MODE
 *                    SELECT or reset went through the writer (each node has its own start values)
 * @param life        how many restarts of the whole cluster the record went through (0 in records written before
 *                    lives were counted: their version is unchanged)
 * @param answers     per requester (one LU port on one node, {@link ClusteredLuControl}), the answer
 *                    to its last change that this record applied: a change sent again to a new
 *                    writer is answered from here instead of being applied twice
 */
public record ControlRecord(String device, long epoch, long seq, ReservationsData pr, ModeParameters.Data mode,
                            String incarnation, long life, Map<String, Answer> answers) implements CborSerializable {
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
        return new ControlRecord(device, 0, 0, ReservationsData.EMPTY, null, null, 0, Map.of());
    }

    /** The most epochs one record can reach: the version keeps 16 bits for them. */
    public static final long MAX_EPOCH = (1L << 16) - 1;

    /**
     * (life, epoch, seq) as one number, for the register's clock and for comparisons: life in bits
     * 48-62, epoch in bits 32-47, seq in bits 0-31 (a record of life 0 has the version it had before
     * lives were counted, so a register on disk merges with new writes as before).
     */
    public long version() {
        return life << 48 | epoch << 32 | seq;
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
        return new ControlRecord(device, epoch, seq + 1, data, mode, incarnation, life, kept);
    }

    /**
     * This record at version (epoch, seq) in cluster incarnation {@code incarnation} with
     * reservations {@code data} and mode parameters {@code mode}.
     */
    public ControlRecord at(long epoch, long seq, ReservationsData data, ModeParameters.Data mode, String incarnation) {
        return new ControlRecord(device, epoch, seq, data, mode, incarnation, life, answers);
    }

    /** As {@link #at}, in life {@code life} (the next one after a restart of the whole cluster). */
    public ControlRecord at(long life, long epoch, long seq, ReservationsData data, ModeParameters.Data mode,
                            String incarnation) {
        return new ControlRecord(device, epoch, seq, data, mode, incarnation, life, answers);
    }
}
