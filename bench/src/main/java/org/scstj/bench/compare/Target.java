package org.scstj.bench.compare;

import java.nio.file.Path;

/**
 * A running SCSI target under comparison, listening on 127.0.0.1, exporting {@link #IQN} with the
 * same LUNs: 1 on a file in tmpfs, 2 a null device, 512-byte blocks. Closing it stops it.
 */
sealed interface Target extends AutoCloseable permits ScstjTarget, TgtdTarget {
    /** The target name both export. */
    String IQN = "iqn.2026-11.org.scstj:bench";

    /** {@code scstj} or {@code tgtd}. */
    String name();

    /** The process whose CPU time and memory are measured. */
    long pid();

    /** Its iSCSI port on 127.0.0.1. */
    int port();

    /** Its log (stdout and stderr). */
    Path log();

    /** True while its process runs. */
    boolean alive();

    /** The URL of one of its LUNs, for libiscsi and QEMU. */
    default String url(Workload.Lun lun) {
        return "iscsi://" + Portal.HOST + ":" + port() + "/" + IQN + "/" + lun.number;
    }

    /** Stops it: gracefully first, then SIGKILL. */
    @Override
    void close() throws BenchFailure;
}
