package org.scstj.transports.loopback;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;

/**
 * The outcome of one command as a loopback initiator sees it: SAM-5 status, sense data, Data-In
 * and the residual (SAM-5 5.2, reported the way RFC 7143 11.4.5 does for iSCSI).
 *
 * <p>Ownership: the result holds the command's Data-In buffer (a pooled direct buffer) until
 * {@link #close()}, which the receiver must call once it is done with {@link #dataIn()}. Not
 * thread-safe: one owner at a time.
 */
public final class LoopbackResult implements AutoCloseable {
    private final long tag;
    private final int status;
    private final byte[] sense;
    private final ByteBuf dataIn;
    private final DataBuffer owner;
    private final int transferLength;
    private final Residual residual;
    private final long residualCount;
    private boolean closed;

    /**
     * @param dataIn the Data-In the initiator receives, readable; {@code owner} releases it
     * @param owner  the core's buffer behind {@code dataIn}, or null when there is none
     */
    LoopbackResult(long tag, int status, byte[] sense, ByteBuf dataIn, DataBuffer owner, int transferLength,
                   Residual residual, long residualCount) {
        this.tag = tag;
        this.status = status;
        this.sense = sense;
        this.dataIn = dataIn;
        this.owner = owner;
        this.transferLength = transferLength;
        this.residual = residual;
        this.residualCount = residualCount;
    }

    /** The task tag {@code execute} returned. */
    public long tag() {
        return tag;
    }

    /** The SAM-5 status byte ({@link ScsiResponse#GOOD}, {@link ScsiResponse#CHECK_CONDITION}, ...). */
    public int status() {
        return status;
    }

    /** True for GOOD status. */
    public boolean good() {
        return status == ScsiResponse.GOOD;
    }

    /** The sense data (SPC-5 4.4), or null. The array is the core's; do not modify it. */
    public byte[] sense() {
        return sense;
    }

    /** SENSE KEY from fixed (70h/71h, SPC-5 4.4.3) or descriptor (72h/73h, 4.4.2) sense data, or -1 without sense. */
    public int senseKey() {
        if (sense == null || sense.length < 4) {
            return -1;
        }
        return (descriptorFormat() ? sense[1] : sense.length > 2 ? sense[2] : 0) & 0x0F;
    }

    /** ADDITIONAL SENSE CODE, or -1 without sense. */
    public int asc() {
        return senseByte(12, 2);
    }

    /** ADDITIONAL SENSE CODE QUALIFIER, or -1 without sense. */
    public int ascq() {
        return senseByte(13, 3);
    }

    private boolean descriptorFormat() {
        int code = sense[0] & 0x7F;
        return code == 0x72 || code == 0x73;
    }

    private int senseByte(int fixedOffset, int descriptorOffset) {
        if (sense == null || sense.length < 4) {
            return -1;
        }
        int at = descriptorFormat() ? descriptorOffset : fixedOffset;
        return at < sense.length ? sense[at] & 0xFF : -1;
    }

    /**
     * The Data-In: readable bytes are what the command returned, at most EDTL (empty when there is
     * none). Valid until {@link #close()}; the reference stays with this result.
     */
    public ByteBuf dataIn() {
        return dataIn;
    }

    /** How many bytes of Data-In arrived. */
    public int dataInLength() {
        return dataIn.readableBytes();
    }

    /** A copy of the Data-In. */
    public byte[] dataInBytes() {
        return ByteBufUtil.getBytes(dataIn);
    }

    /** The bytes the command would transfer per its CDB (ScsiResponse.transferLength, unsigned). */
    public long transferLength() {
        return Integer.toUnsignedLong(transferLength);
    }

    /** Whether the command moved fewer or more bytes than the initiator expected. */
    public Residual residual() {
        return residual;
    }

    /** The residual count in bytes (RFC 7143 11.4.5.2), 0 with {@link Residual#NONE}. */
    public long residualCount() {
        return residualCount;
    }

    /** Gives the Data-In buffer back to its pool; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owner != null) {
                owner.release();
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("LoopbackResult[tag=0x").append(Long.toHexString(tag))
                .append(", status=0x").append(Integer.toHexString(status));
        if (sense != null) {
            s.append(String.format(", sense=%02X/%02X/%02X", senseKey(), asc(), ascq()));
        }
        s.append(", dataIn=").append(dataIn.readableBytes()).append(", transferLength=").append(transferLength())
                .append(", residual=").append(residual);
        if (residual != Residual.NONE) {
            s.append(' ').append(residualCount);
        }
        return s.append(']').toString();
    }

    /** The Data-In view of a buffer the core made itself (INQUIRY data and the like, on the heap). */
    static ByteBuf foreignView(DataBuffer data, int length) {
        return Unpooled.wrappedBuffer(data.nio().limit(length));
    }
}
