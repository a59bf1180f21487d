package org.scstj.engine.passthrough;

import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.engine.spi.ScsiResponse;

/**
 * The Control mode page (SPC-5 7.5.8) of a pass-through device, read back from it after a MODE
 * SELECT, for the core acts on some of its fields itself: D_SENSE (the format of the sense data the
 * core builds: reservation conflicts are statuses, but unit attentions and refusals carry sense),
 * SWP (the core's write protection check) and UA_INTLCK_CTRL (how the core reports and clears unit
 * attentions). TST and QErr are read but not followed: the core keeps one task set for all I_T
 * nexuses and never clears tasks on a CHECK CONDITION, the SPC-5 defaults (000b, 00b).
 */
final class ControlPage {
    static final int PAGE_CODE = 0x0A;
    private static final int ALLOCATION = 0xFC;

    private ControlPage() {
    }

    /** The fields the core follows. */
    record Fields(boolean dSense, boolean swp, int uaInterlock, int tst, int qErr) {
    }

    /**
     * MODE SENSE(10), DBD, current values of page 0Ah, to the device; on an answer the fields go
     * into the LU's mode parameters on the LUN actor's thread, then {@code then} runs there. A device
     * that refuses or fails leaves the core's values as they were.
     */
    static void reread(ExecContext ctx, Runnable then) {
        BlockDevice device = ctx.lu().device();
        byte[] cdb = {0x5A, 0x08, PAGE_CODE, 0, 0, 0, 0, 0, (byte) ALLOCATION, 0};
        byte[] data = new byte[ALLOCATION];
        device.passThrough().execute(cdb, ScsiPassThrough.Direction.FROM_DEVICE, null, DataBuffer.wrap(data, data.length),
                new ScsiPassThrough.CommandCompletion() {
                    @Override
                    public void completed(ScsiPassThrough.Result result) {
                        Fields f = result.status() == ScsiResponse.GOOD
                                ? parse(data, data.length - result.residual()) : null;
                        ctx.withState(s -> {
                            if (f != null) {
                                ModeParameters mode = s.mode();
                                mode.apply(new ModeParameters.Values(mode.writeCacheEnabled(), f.dSense(), f.swp(),
                                        f.uaInterlock()));
                            }
                            then.run();
                        });
                    }

                    @Override
                    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                        ctx.withState(s -> then.run());
                    }
                });
    }

    /** The Control page's fields from MODE SENSE(10) parameter data (SPC-5 7.5.6), or null. */
    static Fields parse(byte[] data, int length) {
        if (length < 8) {
            return null;
        }
        int blockDescriptors = (data[6] & 0xFF) << 8 | data[7] & 0xFF;
        int at = 8 + blockDescriptors;
        if (length < at + 12 || (data[at] & 0x3F) != PAGE_CODE || (data[at + 1] & 0xFF) < 0x0A) {
            return null;
        }
        int b2 = data[at + 2] & 0xFF;
        int b3 = data[at + 3] & 0xFF;
        int b4 = data[at + 4] & 0xFF;
        return new Fields((b2 & 0x04) != 0, (b4 & 0x08) != 0, b4 >>> 4 & 0x3, b2 >>> 5, b3 >>> 1 & 0x3);
    }
}
