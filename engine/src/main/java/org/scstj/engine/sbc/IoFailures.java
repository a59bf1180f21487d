package org.scstj.engine.sbc;

import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice.IoFailure;

/** How a device I/O failure is reported (SBC-4 4.16 error reporting, 4.7.3.6 thin provisioning). */
public final class IoFailures {
    private IoFailures() {
    }

    public static SenseReason reason(IoFailure failure, boolean writing) {
        if (failure == null) {
            return SenseReason.INTERNAL_TARGET_FAILURE;
        }
        return switch (failure) {
            case MEDIUM_ERROR -> writing ? SenseReason.WRITE_ERROR : SenseReason.MEDIUM_ERROR_UNRECOVERED_READ;
            case NO_SPACE -> SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT;
            case NOT_READY -> SenseReason.NOT_READY_MANUAL_INTERVENTION_REQUIRED;
            case BECOMING_READY -> SenseReason.NOT_READY_BECOMING_READY;
            case INTERNAL -> SenseReason.INTERNAL_TARGET_FAILURE;
        };
    }
}
