package org.scstj.bench.admin;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * What one run of {@code ./scstj bench admin} measured.
 *
 * @param date           when the run started
 * @param machine        the CPU, its logical CPUs and the load averages before the run
 * @param launch         how the daemon was started
 * @param stop           how it stopped at the end
 * @param devices        devices (and LUNs) added before the extra one
 * @param device         the kind of device added, as the report names it
 * @param rows           latency summaries, in the order the report lists them
 * @param total          wall time of every change, from the first request to the last answer
 * @param changes        changes made in {@code total}
 * @param rssStartKib    the daemon's RSS once its admin API answered, before any change
 * @param rssEndKib      the daemon's RSS after the last change
 * @param hwmEndKib      the daemon's peak RSS over the run
 * @param liveHeapKib    the daemon's heap in use after a full collection at the end, or -1 if unknown
 * @param configBytes    the configuration file's size after the last change
 * @param configVersions older versions of the file kept beside it ({@code FILE.1..N})
 * @param treeNanos      times of {@code GET /api/v1/tree?depth=12} after the last change, in order
 * @param treeBytes      the size of that answer's body
 */
record AdminReport(ZonedDateTime date, String machine, String launch, String stop, int devices, String device,
                   List<Row> rows, Duration total, int changes, long rssStartKib, long rssEndKib, long hwmEndKib,
                   long liveHeapKib, long configBytes, int configVersions, List<Long> treeNanos, long treeBytes) {

    /** One line of the latency table: which changes, and their latencies. */
    record Row(String what, Latency latency) {
    }
}
