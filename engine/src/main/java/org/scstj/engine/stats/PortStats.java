package org.scstj.engine.stats;

import org.scstj.engine.spi.CommandObserver;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The commands one LUN of one target (of one initiator, when counted so) passed to its device,
 * and their bytes: written by that device's LUN actor only (one writer, opaque stores), read by a scrape at any time.
 */
public final class PortStats {
    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int OPS = CommandObserver.Op.values().length;
    private static final int BYTES_IN = OPS;
    private static final int BYTES_OUT = 2 * OPS;

    /** Counts into nothing anyone reads: an LU context made without a target (tests). */
    public static final PortStats NONE = new PortStats("", -1, "", "");

    private final String target;
    private final int lun;
    private final String device;
    private final String initiator;
    /** commands, then Data-In bytes, then Data-Out bytes, each by {@link CommandObserver.Op} ordinal. */
    private final long[] counts = new long[3 * OPS];

    PortStats(String target, int lun, String device, String initiator) {
        this.target = target;
        this.lun = lun;
        this.device = device;
        this.initiator = initiator;
    }

    /** The initiator whose commands these are, or "" for every initiator's. */
    public String initiator() {
        return initiator;
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
            add(counts, BYTES_IN + op.ordinal(), dataIn);
        }
        if (dataOut != 0) {
            add(counts, BYTES_OUT + op.ordinal(), dataOut);
        }
    }

    public long commands(CommandObserver.Op op) {
        return (long) LONGS.getOpaque(counts, op.ordinal());
    }

    /** Bytes sent to the initiator (Data-In) by commands of this class. */
    public long bytesIn(CommandObserver.Op op) {
        return (long) LONGS.getOpaque(counts, BYTES_IN + op.ordinal());
    }

    /** Bytes received from the initiator (Data-Out) by commands of this class. */
    public long bytesOut(CommandObserver.Op op) {
        return (long) LONGS.getOpaque(counts, BYTES_OUT + op.ordinal());
    }

    /** Bytes sent to the initiator (Data-In), every class. */
    public long bytesIn() {
        long n = 0;
        for (CommandObserver.Op op : CommandObserver.Op.values()) {
            n += bytesIn(op);
        }
        return n;
    }

    /** Bytes received from the initiator (Data-Out), every class. */
    public long bytesOut() {
        long n = 0;
        for (CommandObserver.Op op : CommandObserver.Op.values()) {
            n += bytesOut(op);
        }
        return n;
    }

    /** One writer: a plain read of its own last store, an opaque store for readers on other threads. */
    static void add(long[] a, int i, long n) {
        LONGS.setOpaque(a, i, (long) LONGS.get(a, i) + n);
    }
}
