package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.HashMap;
import java.util.Map;

/**
 * A session's command numbering (RFC 7143 4.2.2.1, 3.2.2.1): ExpCmdSN, the window up to MaxCmdSN,
 * and the non-immediate PDUs that arrived ahead of ExpCmdSN, delivered in CmdSN order.
 * MaxCmdSN = ExpCmdSN + window - commands in flight - 1, so it never decreases. A CmdSN is
 * received when its PDU is delivered or queued, or when it is {@linkplain #consume consumed}
 * with nothing to run; any later PDU with it is a duplicate. Event-loop only.
 *
 * <p>Buffer ownership: a queued entry owns its {@code data} (retained by the caller) until it
 * runs or the window is cleared.
 */
final class CommandWindow {
    /** What a non-immediate PDU's CmdSN means right now. */
    enum Verdict { DELIVER, QUEUE, DROP }

    record Queued(ByteBuf data, Runnable action) {
    }

    /** The turn of a CmdSN consumed ahead of ExpCmdSN: nothing runs. */
    private static final Queued NOTHING = new Queued(Unpooled.EMPTY_BUFFER, () -> { });

    private final int size;
    private final Map<Integer, Queued> ahead = new HashMap<>();
    private int expCmdSn;
    private int inFlight;

    CommandWindow(int initialCmdSn, int size) {
        this.expCmdSn = initialCmdSn;
        this.size = size;
    }

    int expCmdSn() {
        return expCmdSn;
    }

    int maxCmdSn() {
        return expCmdSn + Math.max(0, size - inFlight) - 1;
    }

    Verdict classify(int cmdSn) {
        if (!SerialNumber.inRange(cmdSn, expCmdSn, maxCmdSn()) || (!ahead.isEmpty() && ahead.containsKey(cmdSn))) {
            return Verdict.DROP; // 3.2.2.1: outside the window (or a duplicate): silently ignored
        }
        return cmdSn == expCmdSn ? Verdict.DELIVER : Verdict.QUEUE;
    }

    /** The PDU at ExpCmdSN is being delivered. */
    void advance() {
        expCmdSn++;
    }

    void queue(int cmdSn, Queued entry) {
        ahead.put(cmdSn, entry);
    }

    /**
     * Counts a non-immediate CmdSN as received with nothing to run for it: a PDU rejected for good
     * (RFC 7143 11.17.1), or a CmdSN an ABORT TASK named before its PDU came, which 11.5.1 (b) says
     * to "consider as received". True when it was ExpCmdSN, which has now moved past it: the caller
     * then runs what waited behind it ({@link #next}). Ahead of ExpCmdSN it keeps its turn (false);
     * outside the window, or already received, nothing changes (false).
     */
    boolean consume(int cmdSn) {
        return switch (classify(cmdSn)) {
            case DELIVER -> {
                expCmdSn++;
                yield true;
            }
            case QUEUE -> {
                ahead.put(cmdSn, NOTHING);
                yield false;
            }
            case DROP -> false;
        };
    }

    /** Removes and returns the entry now at ExpCmdSN (advancing), or null. */
    Queued next() {
        if (ahead.isEmpty()) {
            return null; // the usual case: commands arrive in order (and no boxing per command)
        }
        Queued q = ahead.remove(expCmdSn);
        if (q != null) {
            expCmdSn++;
        }
        return q;
    }

    /** A command entered the core (non-immediate commands only). */
    void started() {
        inFlight++;
    }

    /** A counted command left the core. */
    void finished() {
        inFlight--;
    }

    /** Drops every queued entry, releasing its data (connection closed). */
    void clear() {
        for (Queued q : ahead.values()) {
            q.data().release();
        }
        ahead.clear();
    }
}
