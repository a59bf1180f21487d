package org.scstj.engine.stats;

import org.scstj.engine.spi.CommandObserver;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The commands one LUN of one target passed to its device, and their bytes: written by that
 * device's LUN actor only (one writer, opaque stores), read by a scrape at any time.
 */
public final class PortStats {
    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int BYTES_IN = 3;
    private static final int BYTES_OUT = 4;

    /** Counts into nothing anyone reads: an LU context made without a target (tests). */
    public static final PortStats NONE = new PortStats("", -1, "");

    private final String target;
    private final int lun;
    private final String device;
    /** commands by {@link CommandObserver.Op} ordinal, then Data-In and Data-Out bytes. */
    private final long[] counts = new long[5];

    PortStats(String target, int lun, String device) {
        this.target = target;
        this.lun = lun;
        this.device = device;
    }

    public String target() {
        return target;
    }

    public int lun() {
        return lun;
    }

    public String device() {
        return device;
    }

    /** One command got its status; {@code dataIn} and {@code dataOut} bytes moved for it. LUN actor only. */
    public void command(CommandObserver.Op op, long dataIn, long dataOut) {
        add(counts, op.ordinal(), 1);
        if (dataIn != 0) {
            add(counts, BYTES_IN, dataIn);
        }
        if (dataOut != 0) {
            add(counts, BYTES_OUT, dataOut);
        }
    }

    public long commands(CommandObserver.Op op) {
        return (long) LONGS.getOpaque(counts, op.ordinal());
    }

    /** Bytes sent to the initiator (Data-In). */
    public long bytesIn() {
        return (long) LONGS.getOpaque(counts, BYTES_IN);
    }

    /** Bytes received from the initiator (Data-Out). */
    public long bytesOut() {
        return (long) LONGS.getOpaque(counts, BYTES_OUT);
    }

    /** One writer: a plain read of its own last store, an opaque store for readers on other threads. */
    static void add(long[] a, int i, long n) {
        LONGS.setOpaque(a, i, (long) LONGS.get(a, i) + n);
    }
}
