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
 */
record Report(Machine machine, CompareOptions options, long ticksPerSecond, int scstjPort, int tgtdPort, int tgtdControl,
        List<WorkloadResult> results, Optional<Sessions> sessions, List<String> notes) {
    Report {
        results = List.copyOf(results);
        notes = List.copyOf(notes);
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
