package org.scstj.engine.passthrough;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spc.InquiryData;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.engine.spi.ScsiResponse;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * SPC-5 6.7 INQUIRY of a pass-through device: the standard data and every VPD page come from the
 * device, but for the Device Identification page (SPC-5 7.7.6): its designators of the logical unit
 * (association 00b) are the device's, and those of the target port and the target device are
 * scstj's, of the port the command came through; the real device's own port designators describe a
 * port no initiator of scstj sees. A device without the page (or that fails to give it) gets the
 * port designators alone.
 */
public final class PassThroughInquiry {
    static final int DEVICE_IDENTIFICATION = 0x83;
    /** What the device is first asked for: an 8-bit allocation length suits a SCSI-2 device too. */
    private static final int FIRST_ASK = 0xFF;
    private static final int ASSOCIATION_LOGICAL_UNIT = 0b00;

    private PassThroughInquiry() {
    }

    /**
     * The exec stage of the core's INQUIRY on a device whose INQUIRY is the core's but that adds VPD
     * pages of its own ({@link BlockDevice#deviceVpdPages}): such a page goes to the device as the
     * initiator sent it; everything else is the core's answer.
     */
    public static void coreOrDevicePage(Cdb.Inquiry cdb, ExecContext ctx) {
        BlockDevice device = ctx.lu().device();
        if (cdb.evpd() && device.deviceVpdPages().contains(cdb.pageCode())
                && !InquiryData.corePage(cdb.pageCode(), ctx.lu())) {
            PassThroughOp.run(Arrays.copyOf(ctx.task().cdb(), 6), ctx, null);
            return;
        }
        ctx.complete(InquiryData.execute(cdb, ctx));
    }

    /** The exec stage (the core's INQUIRY row: decoded and checked by the core, answered by the device). */
    public static void execute(Cdb.Inquiry cdb, ExecContext ctx) {
        if (!cdb.evpd() || cdb.pageCode() != DEVICE_IDENTIFICATION) {
            PassThroughOp.run(Arrays.copyOf(ctx.task().cdb(), 6), ctx, null);
            return;
        }
        ask(cdb, ctx, FIRST_ASK);
    }

    private static void ask(Cdb.Inquiry cdb, ExecContext ctx, int allocation) {
        byte[] query = {0x12, 0x01, (byte) DEVICE_IDENTIFICATION, (byte) (allocation >>> 8), (byte) allocation, 0};
        byte[] page = new byte[allocation];
        ctx.lu().device().passThrough().execute(query, ScsiPassThrough.Direction.FROM_DEVICE, null,
                DataBuffer.wrap(page, allocation), new ScsiPassThrough.CommandCompletion() {
                    @Override
                    public void completed(ScsiPassThrough.Result result) {
                        int got = allocation - result.residual();
                        if (result.status() == ScsiResponse.GOOD && got >= 4) {
                            int whole = 4 + ((page[2] & 0xFF) << 8 | page[3] & 0xFF);
                            if (whole > allocation && allocation == FIRST_ASK) {
                                ask(cdb, ctx, Math.min(whole, 0xFFFF));
                                return;
                            }
                            respond(cdb, ctx, page, Math.min(got, whole));
                            return;
                        }
                        DeviceSense ds = result.status() == ScsiResponse.CHECK_CONDITION && result.sense() != null
                                ? DeviceSense.of(result.sense(), result.sense().length) : null;
                        if (ds != null && ds.unitAttention()) {
                            // met by the core's own command: no nexus has seen it, so every one will
                            // (this one's INQUIRY stays exempt, SAM-5 5.14)
                            PassThroughOp.fanOut(ctx, ds, true, () -> respond(cdb, ctx, null, 0));
                            return;
                        }
                        respond(cdb, ctx, null, 0);
                    }

                    @Override
                    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                        respond(cdb, ctx, null, 0);
                    }
                });
    }

    private static void respond(Cdb.Inquiry cdb, ExecContext ctx, byte[] devicePage, int length) {
        byte[] data = merge(devicePage, length, ctx.lu().device().peripheralDeviceType(), ctx.lu().nexus());
        ctx.complete(AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength()));
    }

    /**
     * The page scstj answers: the device's header byte (its qualifier and type), its logical unit
     * designators in its order, then the port's and target's of {@code nexus}.
     */
    static byte[] merge(byte[] devicePage, int length, int peripheralType, Nexus nexus) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(128);
        if (devicePage != null) {
            int at = 4;
            while (at + 4 <= length) {
                int designatorLength = devicePage[at + 3] & 0xFF;
                int end = at + 4 + designatorLength;
                if (end > length) {
                    break; // a truncated last descriptor is dropped, not cut
                }
                if ((devicePage[at + 1] >>> 4 & 0x3) == ASSOCIATION_LOGICAL_UNIT) {
                    body.write(devicePage, at, end - at);
                }
                at = end;
            }
        }
        if (nexus != null) {
            byte[] port = InquiryData.targetPortDesignators(nexus);
            body.write(port, 0, port.length);
        }
        byte[] b = body.toByteArray();
        byte[] page = new byte[4 + b.length];
        page[0] = devicePage != null ? devicePage[0] : (byte) (peripheralType & 0x1F);
        page[1] = (byte) DEVICE_IDENTIFICATION;
        page[2] = (byte) (b.length >>> 8);
        page[3] = (byte) b.length;
        System.arraycopy(b, 0, page, 4, b.length);
        return page;
    }
}
