package org.scstj.bench.compare;

import java.util.List;
import java.util.Optional;

/**
 * Everything a comparison measured, with what is needed to read it.
 *
 * @param machine        the machine and software
 * @param options        the options it ran with
 * @param ticksPerSecond {@code getconf CLK_TCK}, the resolution of the CPU times
 * @param scstjPort      scstj's iSCSI port during the alternating workloads
 * @param tgtdPort       tgtd's iSCSI port during the alternating workloads
 * @param tgtdControl    tgtd's control port ({@code tgtd -C}, {@code tgtadm -C})
 * @param results        the alternating workloads, in the order they ran
 * @param sessions       the many-sessions workload, if it ran
 * @param notes          observations worth a line under the table (BUSY responses, ...)
 * @param latency        the latency measurement's overhead, if it ran ({@code --latency-overhead})
 */
record Report(Machine machine, CompareOptions options, long ticksPerSecond, int scstjPort, int tgtdPort, int tgtdControl,
        List<WorkloadResult> results, Optional<Sessions> sessions, List<String> notes, Optional<LatencyOverhead> latency) {
    Report {
        results = List.copyOf(results);
        notes = List.copyOf(notes);
    }

    Report(Machine machine, CompareOptions options, long ticksPerSecond, int scstjPort, int tgtdPort, int tgtdControl,
           List<WorkloadResult> results, Optional<Sessions> sessions, List<String> notes) {
        this(machine, options, ticksPerSecond, scstjPort, tgtdPort, tgtdControl, results, sessions, notes, Optional.empty());
    }

    /**
     * scstj alone, the same workload with its per-stage latency measurement off and on in alternate runs.
     *
     * @param off     the runs with measurement off
     * @param on      the runs with measurement on
     * @param command the client's command (with {@code PORT})
     */
    record LatencyOverhead(Workload workload, List<Run> off, List<Run> on, String command) {
        LatencyOverhead {
            off = List.copyOf(off);
            on = List.copyOf(on);
        }
    }

    /**
     * The many-sessions workload against each target.
     *
     * @param scstj   against a fresh scstj
     * @param tgtd    against a fresh tgtd
     * @param command one client's command (with {@code PORT} and {@code NN})
     */
    record Sessions(SessionsResult scstj, SessionsResult tgtd, String command) {
    }
}
