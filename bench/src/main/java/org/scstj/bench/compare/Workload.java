package org.scstj.bench.compare;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The comparison's workloads, in the order they run. Each names its client, LUN, request size,
 * queue depth and access pattern; {@link Clients} turns one into a command line.
 */
public enum Workload {
    READ_4K_QD32("read4k-qd32", "4 KiB random read, QD 32", Client.ISCSI_PERF, Lun.FILE, 4096, 32, true, Unit.IOPS),
    READ_4K_QD1("read4k-qd1", "4 KiB random read, QD 1", Client.ISCSI_PERF, Lun.FILE, 4096, 1, true, Unit.IOPS_AND_LATENCY),
    WRITE_4K_QD32("write4k-qd32", "4 KiB sequential write, QD 32", Client.QEMU_IMG_BENCH, Lun.FILE, 4096, 32, false, Unit.IOPS),
    READ_1M_QD32("read1m-qd32", "1 MiB sequential read, QD 32", Client.ISCSI_PERF, Lun.FILE, 1 << 20, 32, false, Unit.MIB_PER_SECOND),
    WRITE_1M_QD32("write1m-qd32", "1 MiB sequential write, QD 32", Client.QEMU_IMG_BENCH, Lun.FILE, 1 << 20, 32, false, Unit.MIB_PER_SECOND),
    NULL_READ_4K_QD32("null-read4k-qd32", "null LUN: 4 KiB random read, QD 32", Client.ISCSI_PERF, Lun.NULL, 4096, 32, true, Unit.IOPS),
    USER_READ_4K_QD32("user-read4k-qd32", "scstj: the C RAM disk out of process; tgtd: its null LUN: 4 KiB random read, QD 32",
            Client.ISCSI_PERF, Lun.USER, 4096, 32, true, Unit.IOPS),
    BLOCK_READ_4K_QD32("blockio-read4k-qd32", "loop device, O_DIRECT: 4 KiB random read, QD 32", Client.ISCSI_PERF, Lun.BLOCK,
            4096, 32, true, Unit.IOPS),
    BLOCK_WRITE_4K_QD32("blockio-write4k-qd32", "loop device, O_DIRECT: 4 KiB sequential write, QD 32", Client.QEMU_IMG_BENCH,
            Lun.BLOCK, 4096, 32, false, Unit.IOPS),
    SESSIONS("sessions", "%d sessions × QD 4, 4 KiB random read", Client.ISCSI_PERF_MANY, Lun.FILE, 4096, 4, true, Unit.IOPS);

    /** The program that drives a workload. */
    enum Client {
        /** libiscsi's {@code iscsi-perf}: READ(16) only, random or sequential. */
        ISCSI_PERF,
        /** QEMU's {@code qemu-img bench -w} through its iscsi block driver: sequential offsets only. */
        QEMU_IMG_BENCH,
        /** Many {@code iscsi-perf}s at once against a freshly started target, sampling its memory. */
        ISCSI_PERF_MANY
    }

    /** The LUN a workload uses; both targets export the same numbers. */
    enum Lun {
        /** A {@code vdisk_fileio} / tgtd {@code rdwr} LUN on a file in tmpfs. */
        FILE(1),
        /** A {@code vdisk_nullio} / tgtd {@code null} LUN (1 TiB, no storage). */
        NULL(2),
        /**
         * A {@code vdisk_blockio} / tgtd {@code aio} LUN, each on a loop device of its own over an
         * identical tmpfs file (both O_DIRECT: scstj through its aligned buffers, tgtd through libaio).
         */
        BLOCK(3),
        /**
         * scstj: a {@code user} device served by the C reference RAM disk in a process of its own
         * (docs/user-handlers.md); tgtd, which has no such handler: another {@code null} LUN, its
         * fastest store (issue 19's comparison).
         */
        USER(4);

        final int number;

        Lun(int number) {
            this.number = number;
        }
    }

    /** What a workload's main figure counts. */
    enum Unit {
        IOPS,
        /** IOPS, with the mean latency 1/IOPS (queue depth 1). */
        IOPS_AND_LATENCY,
        MIB_PER_SECOND
    }

    public final String id;
    private final String title;
    final Client client;
    final Lun lun;
    public final int bytes;
    public final int queueDepth;
    final boolean random;
    final Unit unit;

    Workload(String id, String title, Client client, Lun lun, int bytes, int queueDepth, boolean random, Unit unit) {
        this.id = id;
        this.title = title;
        this.client = client;
        this.lun = lun;
        this.bytes = bytes;
        this.queueDepth = queueDepth;
        this.random = random;
        this.unit = unit;
    }

    /** The title for the table; {@code sessions} is the number of concurrent sessions of {@link #SESSIONS}. */
    public String title(int sessions) {
        return this == SESSIONS ? String.format(title, sessions) : title;
    }

    /** The workload with this id. */
    static Workload byId(String id) {
        for (Workload w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "' (workloads: " + ids() + ")");
    }

    /** Every id, comma-separated. */
    static String ids() {
        return Arrays.stream(values()).map(w -> w.id).collect(Collectors.joining(","));
    }

    /** The workloads that compare one client run per target per round. */
    static List<Workload> alternating() {
        return Arrays.stream(values()).filter(w -> w.client != Client.ISCSI_PERF_MANY).toList();
    }
}
