package org.scstj.engine.lu;

import java.util.function.Consumer;

/**
 * Where a pass-through LU's Control mode page (SPC-5 7.5.8) lives: in the device. The core reads it
 * at start, after a MODE SELECT and after a logical unit reset, and follows D_SENSE, SWP,
 * UA_INTLCK_CTRL, TST and QERR ({@link ModeParameters#followDevice}).
 */
public interface DeviceControl {
    /**
     * Reads the device's current Control page; {@code then} gets its fields, or null when the device
     * refused or failed (the core's values then stay as they are). Runs {@code then} on any thread.
     */
    void read(Consumer<ModeParameters.Control> then);
}
