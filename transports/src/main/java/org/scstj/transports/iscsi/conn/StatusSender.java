package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import org.scstj.engine.spi.FileSegment;

import java.nio.channels.FileChannel;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.transports.iscsi.login.OperationalParameters;
import org.scstj.transports.iscsi.pdu.DataInPdu;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.ScsiResponsePdu;

/**
 * Sends a command's outcome (RFC 7143 10.4, 11.4, 11.7): Data-In PDUs of at most the initiator's
 * MaxRecvDataSegmentLength, F at each MaxBurstLength sequence end, status folded into the last
 * Data-In (S bit, 11.7.3) when GOOD without sense, otherwise a SCSI Response with the sense data.
 * Residuals compare the command's transfer length with EDTL (11.4.5).
 *
 * <p>Buffer ownership: the core's read buffer is sliced (retained slices, no copy) into the
 * Data-In PDUs and released once they hold it (a pooled buffer) or once the last one is written
 * (any other DataBuffer).
 */
final class StatusSender {
    private StatusSender() {
    }

    static void send(IscsiConnection conn, IscsiTask task, ScsiResponse r) {
        if (!conn.target().fence().serving()) {
            // the node lost its cluster lease: it acknowledges nothing more (the initiator retries elsewhere)
            if (r.dataIn() != null) {
                r.dataIn().release();
            }
            conn.reset();
            return;
        }
        long edtl = Integer.toUnsignedLong(task.expectedDataTransferLength());
        long transfer = Integer.toUnsignedLong(r.transferLength());
        // RFC 7143 11.3.1 / 11.4.5: without R the initiator expects no Data-In at all, so Data-In the
        // command would return is not sent and overflows by its whole transfer length
        long expected = r.dataIn() != null && !task.readExpected() ? 0 : edtl;
        int residualFlags = 0;
        long residual = 0;
        if (transfer > expected) {
            residualFlags = ScsiResponsePdu.OVERFLOW;
            residual = transfer - expected;
        } else if (transfer < expected) {
            residualFlags = ScsiResponsePdu.UNDERFLOW;
            residual = expected - transfer;
        }
        int residualCount = (int) Math.min(residual, 0xffff_ffffL);
        boolean statusInData = r.status() == ScsiResponse.GOOD && r.sense() == null;
        DataBuffer data = r.dataIn();
        int length = data == null || !task.readExpected() ? 0 : (int) Math.min(data.length(), edtl);
        if (length > 0) {
            conn.session().countDataIn(length); // the management plane's bytesRead (RFC 7143 11.7 payload)
            sendDataIn(conn, task, r, data, length, statusInData, residualFlags, residualCount);
            if (statusInData) {
                return;
            }
        } else if (data != null) {
            data.release();
        }
        ByteBuf sense = Unpooled.EMPTY_BUFFER;
        if (r.sense() != null && r.sense().length > 0) {
            sense = conn.alloc().buffer(2 + r.sense().length); // 11.4.7.2: SenseLength, then sense
            sense.writeShort(r.sense().length);
            sense.writeBytes(r.sense());
        }
        conn.send(new ScsiResponsePdu(task.itt(), r.status(), residualFlags, conn.nextStatSn(), conn.expCmdSn(),
                conn.maxCmdSn(), task.sequenceCount(), residualCount, sense));
    }

    /**
     * The Data-In PDUs (RFC 7143 11.7): segments of at most the initiator's
     * MaxRecvDataSegmentLength, F at the end of each MaxBurstLength sequence and on the last, the
     * status on the last when {@code statusInData}. Each segment is a slice of the buffer, or, for
     * a {@link FileSegment} on a connection without DataDigest, a region of the LU's file sent with
     * sendfile (no user-space copy).
     */
    private static void sendDataIn(IscsiConnection conn, IscsiTask task, ScsiResponse r, DataBuffer data, int length,
                                   boolean statusInData, int residualFlags, int residualCount) {
        OperationalParameters p = conn.parameters();
        FileSegment file = data instanceof FileSegment f && !p.dataDigest() ? f : null;
        if (file == null && !(data instanceof PooledDataBuffer) && p.errorRecoveryLevel() >= 1) {
            // ERL >= 1 hook: a buffer the core owns cannot outlive its release, so the retained Data-In
            // (RFC 7143 11.16) takes one copy into a pooled buffer and gives the core's back at once
            ByteBuf copy = conn.alloc().directBuffer(length, length);
            java.nio.ByteBuffer src = data.nio().duplicate();
            src.limit(src.position() + length);
            copy.writeBytes(src);
            data.release();
            data = new PooledDataBuffer(copy, length);
        }
        boolean pooled = data instanceof PooledDataBuffer;
        ByteBuf whole = file != null ? null
                : pooled ? ((PooledDataBuffer) data).byteBuf() : Unpooled.wrappedBuffer(data.nio());
        int segment = p.initiatorMaxRecvDataSegmentLength();
        int burst = p.maxBurstLength();
        // ERL >= 1 hook (DataInRetention): the PDUs stay retained until acknowledged (RFC 7143 11.16)
        DataInRetention kept = whole != null ? conn.retainDataIn(task.itt(), length) : null;
        int offset = 0;
        while (offset < length) {
            int burstEnd = (int) Math.min((long) (offset / burst + 1) * burst, length);
            int n = Math.min(segment, burstEnd - offset);
            boolean last = offset + n == length;
            boolean withStatus = last && statusInData;
            // 11.7.2: at ERL >= 1 ask for a DataACK at the end of each MaxBurstLength sequence but the
            // last (the status acknowledgement releases that one), so long reads free memory as they go
            boolean ack = kept != null && !last && offset + n == burstEnd;
            DataInPdu pdu = new DataInPdu(last || offset + n == burstEnd, withStatus, residualFlags, r.status(),
                    task.lun(), task.itt(), withStatus ? conn.nextStatSn() : 0, conn.expCmdSn(), conn.maxCmdSn(),
                    task.nextSequenceNumber(), offset, residualCount,
                    file != null ? Unpooled.EMPTY_BUFFER : whole.retainedSlice(offset, n),
                    file != null ? new SharedFileRegion(file.channel(), file.position() + offset, n) : null,
                    ack ? conn.nextTargetTransferTag() : Opcode.RESERVED_TAG, ack);
            if (kept != null) {
                kept.add(pdu);
            }
            if (last && (file != null || whole != null && !pooled)) {
                // a foreign buffer, or the device's file range, is given back once its bytes left
                conn.send(pdu, data::release);
            } else {
                conn.send(pdu);
            }
            offset += n;
        }
        if (file != null) {
            return; // released with its last PDU (above)
        }
        if (pooled) {
            data.release();
        } else {
            whole.release();
        }
    }

    /** A file region over the device's channel that leaves the channel open when released. */
    static final class SharedFileRegion extends DefaultFileRegion {
        SharedFileRegion(FileChannel channel, long position, long count) {
            super(channel, position, count);
        }

        @Override
        protected void deallocate() {
            // the device owns the channel and closes it when the LU goes away
        }
    }

    /**
     * A command the transport answers without submitting it (RFC 7143 7.8: its immediate data
     * failed the data digest at ERL 0), with sense bytes from the engine's sense vocabulary.
     */
    static void sendCheckCondition(IscsiConnection conn, int itt, byte[] senseBytes) {
        ByteBuf sense = conn.alloc().buffer(2 + senseBytes.length);
        sense.writeShort(senseBytes.length);
        sense.writeBytes(senseBytes);
        conn.send(new ScsiResponsePdu(itt, ScsiResponse.CHECK_CONDITION, 0, conn.nextStatSn(), conn.expCmdSn(),
                conn.maxCmdSn(), 0, 0, sense));
    }
}
