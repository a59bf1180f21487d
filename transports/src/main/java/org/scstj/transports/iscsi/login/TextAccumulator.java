package org.scstj.transports.iscsi.login;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Joins a text split over PDUs with the C bit (RFC 7143 11.10.2, 11.12.2) within one negotiation
 * budget, so neither an endless continuation nor an endless negotiation can grow memory or run
 * forever (bad-inputs row 5: Login 0x0302, or Reject in the full feature phase, past the cap).
 *
 * <p>The budget covers every PDU appended since {@link #reset()}: {@link #MAX_TEXT} bytes and
 * {@link #MAX_PDUS} PDUs. A login never resets it (the budget is the whole login); a full-feature
 * Text negotiation resets it when the target ends the exchange with F=1. RFC 7143 6.2 lets a
 * party terminate a negotiation that takes too many exchanges, as long as it allows at least six.
 * {@link #clear()} drops the text already parsed and keeps the budget.
 */
public final class TextAccumulator {
    /** Total text accepted for one login or one Text negotiation. */
    public static final int MAX_TEXT = 64 * 1024;
    /** PDUs accepted for one login or one Text negotiation: all of {@link #MAX_TEXT} in 512-byte PDUs (13.12's minimum). */
    public static final int MAX_PDUS = MAX_TEXT / 512;

    private byte[] bytes = new byte[0];
    private int length;
    private int budgetBytes;
    private int budgetPdus;

    /** Appends a data segment (not released here); false when the budget would be exceeded. */
    public boolean append(ByteBuf data) {
        int n = data.readableBytes();
        if (budgetBytes + n > MAX_TEXT || budgetPdus + 1 > MAX_PDUS) {
            return false;
        }
        budgetBytes += n;
        budgetPdus++;
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, Math.min(MAX_TEXT, bytes.length * 2)));
        }
        data.getBytes(data.readerIndex(), bytes, length, n);
        length += n;
        return true;
    }

    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** Drops the text (parsed or abandoned); the budget already spent stays spent. */
    public void clear() {
        bytes = new byte[0];
        length = 0;
    }

    /** Drops the text and starts a new budget: the negotiation is over. */
    public void reset() {
        clear();
        budgetBytes = 0;
        budgetPdus = 0;
    }
}
