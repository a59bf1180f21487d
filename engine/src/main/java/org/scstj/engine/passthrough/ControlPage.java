package org.scstj.engine.passthrough;

import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.DeviceControl;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.engine.spi.ScsiResponse;

import java.util.function.Consumer;

/**
 * The Control mode page (SPC-5 7.5.8) of a pass-through device, read from it at start, after a MODE
 * SELECT and after a logical unit reset, for the core acts on some of its fields itself: D_SENSE
 * (the format of the sense data the core builds: reservation conflicts are statuses, but unit
 * attentions and refusals carry sense), SWP (the core's write protection check), UA_INTLCK_CTRL
 * (how the core reports and clears unit attentions), TST (one task set, or one per I_T nexus, for
 * the task attributes and CLEAR TASK SET) and QERR (what a CHECK CONDITION does to the other
 * tasks). TAS is not followed: the core reports tasks another nexus's action aborted with a unit
 * attention, never with TASK ABORTED status (TAS 0).
 */
public final class ControlPage implements DeviceControl {
    static final int PAGE_CODE = 0x0A;
    private static final int ALLOCATION = 0xFC;

    private final ScsiPassThrough device;

    private ControlPage(ScsiPassThrough device) {
        this.device = device;
    }

    /** The Control page of a pass-through device. */
    public static DeviceControl of(ScsiPassThrough device) {
        return new ControlPage(device);
    }

    /** MODE SENSE(10), DBD, current values of page 0Ah, to the device. */
    @Override
    public void read(Consumer<ModeParameters.Control> then) {
        byte[] cdb = {0x5A, 0x08, PAGE_CODE, 0, 0, 0, 0, 0, (byte) ALLOCATION, 0};
        byte[] data = new byte[ALLOCATION];
        device.execute(cdb, ScsiPassThrough.Direction.FROM_DEVICE, null, DataBuffer.wrap(data, data.length),
                new ScsiPassThrough.CommandCompletion() {
                    @Override
                    public void completed(ScsiPassThrough.Result result) {
                        then.accept(result.status() == ScsiResponse.GOOD
                                ? parse(data, data.length - result.residual()) : null);
                    }

                    @Override
                    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                        then.accept(null);
                    }
                });
    }

    /**
     * After a MODE SELECT: the page read back goes into the LU's mode parameters on the LUN actor's
     * thread, then {@code then} runs there. A device that refuses or fails leaves the core's values
     * as they were.
     */
    static void reread(ExecContext ctx, Runnable then) {
        of(ctx.lu().device().passThrough()).read(c -> ctx.withState(s -> {
            if (c != null) {
                s.mode().followDevice(c);
            }
            then.run();
        }));
    }

    /** The Control page's fields from MODE SENSE(10) parameter data (SPC-5 7.5.6), or null. */
    static ModeParameters.Control parse(byte[] data, int length) {
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
        int uaInterlock = b4 >>> 4 & 0x3;
        return new ModeParameters.Control((b2 & 0x04) != 0, (b4 & 0x08) != 0, uaInterlock == 0b01 ? 0 : uaInterlock,
                b2 >>> 5, b3 >>> 1 & 0x3);
    }
}
