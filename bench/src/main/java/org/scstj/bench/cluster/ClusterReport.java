package org.scstj.bench.cluster;

import java.util.List;

import org.scstj.bench.compare.Machine;

/**
 * Everything one {@code bench cluster} run measured, with what is needed to read it.
 *
 * @param machine    the machine and software (its load average is the one at the start)
 * @param options    the options it ran with
 * @param loadEnd    the load averages at the end
 * @param throughput the throughput workloads, in the order they ran
 * @param kills      the kill -9 rounds that ended with GOOD
 * @param leaves     the planned-leave rounds that ended with GOOD
 * @param rejoins    seconds from each relaunch of the owner (its JVM's start) to the cluster whole again, failback done
 * @param notes      observations worth a line under the tables (a failed round, a non-zero exit, ...)
 */
record ClusterReport(Machine machine, ClusterOptions options, String loadEnd, List<ClusterReport.Throughput> throughput,
        List<ClusterReport.FailoverRound> kills, List<ClusterReport.FailoverRound> leaves, List<Double> rejoins, List<String> notes) {
    ClusterReport {
        throughput = List.copyOf(throughput);
        kills = List.copyOf(kills);
        leaves = List.copyOf(leaves);
        rejoins = List.copyOf(rejoins);
        notes = List.copyOf(notes);
    }

    /**
     * One throughput workload: IOPS of each run against the single-node daemon and through node n1.
     *
     * @param title   what it is ("4 KiB random read, QD 32")
     * @param single  IOPS of the runs against the single-node daemon
     * @param cluster IOPS of the runs through n1
     * @param command the client's command line (HOST and PORT for the portal)
     */
    record Throughput(String title, List<Double> single, List<Double> cluster, String command) {
        Throughput {
            single = List.copyOf(single);
            cluster = List.copyOf(cluster);
        }
    }

    /** How the owner left. */
    enum Kind {
        /** SIGKILL of its JVM. */
        KILL,
        /** {@code scstj admin cluster leave}. */
        LEAVE
    }

    /**
     * One failover round that ended with GOOD.
     *
     * @param kind    kill -9 or planned leave
     * @param round   its number (1-based)
     * @param seconds from the kill or the leave request to the first GOOD WRITE
     * @param node    the node whose path answered GOOD
     * @param seen    each path's retried answers before it, repeats folded ("n1: 02/04/0B x70; n3: 02/04/0B x68, 02/04/0A x3")
     */
    record FailoverRound(Kind kind, int round, double seconds, String node, String seen) {
    }
}
