package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put16;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.EchoBuffer;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * SPC-5 6.17 READ BUFFER and 6.49 WRITE BUFFER in their echo buffer modes, which initiators use to
 * test the path to the device server (e.g. a SCSI domain validation): WRITE BUFFER mode 0Ah keeps up
 * to {@link EchoBuffer#CAPACITY} bytes for the writing I_T nexus, READ BUFFER mode 0Ah returns them
 * to it, mode 0Bh describes the echo buffer. Other modes are refused by the decoder (no microcode,
 * no data buffers). BUFFER ID and BUFFER OFFSET are ignored in these modes.
 */
public final class Buffers {
    /** SPC-5 6.17.8: the echo buffer descriptor is 4 bytes. */
    static final int DESCRIPTOR_LENGTH = 4;

    private Buffers() {
    }

    /** READ BUFFER: on the LUN actor's thread, which owns the echo buffer. */
    public static ScsiResponse read(Cdb.ReadBuffer cdb, ExecContext ctx) {
        int edtl = ctx.task().expectedDataTransferLength();
        boolean descriptorSense = ctx.lu().descriptorSense();
        if (cdb.mode() == Opcodes.BUFFER_MODE_ECHO_DESCRIPTOR) {
            // EBOS 1 (byte 0 bit 0): another nexus's write makes this one's read ECHO BUFFER OVERWRITTEN
            byte[] d = new byte[DESCRIPTOR_LENGTH];
            d[0] = 0x01;
            put16(d, 2, EchoBuffer.CAPACITY);
            return AllocationLength.respond(d, d.length, cdb.allocationLength(), edtl);
        }
        return switch (ctx.state().echoBuffer().read(ctx.lu().nexus())) {
            // SPC-5 6.17.7: as many bytes as the last echo WRITE BUFFER of this nexus, limited by ALLOCATION LENGTH
            case EchoBuffer.Read.Data(byte[] bytes) -> AllocationLength.respond(bytes, bytes.length,
                    cdb.allocationLength(), edtl);
            case EchoBuffer.Read.NeverWritten n -> Failure.of(SenseReason.COMMAND_SEQUENCE_ERROR).toResponse(descriptorSense);
            case EchoBuffer.Read.Overwritten o -> Failure.of(SenseReason.ECHO_BUFFER_OVERWRITTEN).toResponse(descriptorSense);
        };
    }

    /** WRITE BUFFER: the data arrives on the transport's thread; the LUN actor keeps it. */
    public static void write(Cdb.WriteBuffer cdb, ExecContext ctx) {
        int length = cdb.parameterListLength();
        if (length > EchoBuffer.CAPACITY) {
            // SPC-5 6.49.7: more than the echo buffer holds
            ctx.complete(new Failure(SenseReason.INVALID_FIELD_IN_CDB, FieldPointer.cdb(6, 7), false, 0)
                    .toResponse(ctx.lu().descriptorSense()));
            return;
        }
        if (length == 0) {
            ctx.state().echoBuffer().write(ctx.lu().nexus(), new byte[0]);
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        int received = ctx.task().expectedLength(length);
        if (received < length) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(ctx.lu().descriptorSense()));
            return;
        }
        ctx.receiveData(length, new TransportTask.DataReceiver() {
            @Override
            public void received(DataBuffer data) {
                byte[] bytes = DataBuffer.takeBytes(data);
                ctx.withState(state -> {
                    state.echoBuffer().write(ctx.lu().nexus(), bytes);
                    ctx.complete(ScsiResponse.good(null, 0));
                });
            }

            @Override
            public void failed(Throwable cause) {
                ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
            }
        });
    }
}
