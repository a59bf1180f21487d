package org.scstj.bench.compare;

import java.util.List;

/**
 * The measured runs of one workload: one per round and target, in the order they ran.
 *
 * @param workload the workload
 * @param scstj    the runs against scstj
 * @param tgtd     the runs against tgtd
 * @param command  the client command (with {@code PORT} for the target's port)
 */
record WorkloadResult(Workload workload, List<Run> scstj, List<Run> tgtd, String command) {
    WorkloadResult {
        scstj = List.copyOf(scstj);
        tgtd = List.copyOf(tgtd);
    }

    /** The main figure (IOPS, or MiB/s for {@link Workload.Unit#MIB_PER_SECOND}) over scstj's runs. */
    Stats scstjRate() {
        return rate(scstj);
    }

    /** The main figure over tgtd's runs. */
    Stats tgtdRate() {
        return rate(tgtd);
    }

    private Stats rate(List<Run> runs) {
        return workload.unit == Workload.Unit.MIB_PER_SECOND
                ? Stats.of(runs, r -> r.mibPerSecond(workload.bytes))
                : Stats.of(runs, Run::iops);
    }
}
