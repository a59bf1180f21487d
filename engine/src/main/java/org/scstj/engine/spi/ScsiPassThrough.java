package org.scstj.engine.spi;

/**
 * A real SCSI device behind a device handler (Linux SCSI generic, {@code /dev/sgN}), to which the
 * core sends the commands it does not emulate itself. The core keeps what belongs to the target and
 * not to the device, as SCST's pass-through handlers do: REPORT LUNS, REQUEST SENSE and autosense,
 * SPC-2 and persistent reservations, unit attentions to each I_T nexus, task attributes and task
 * management (SAM-5 4.6, 5.14, 7, 8). The device sees one initiator: the handler.
 *
 * <p>{@link #execute} and {@link #reset} return at once and complete exactly once, from any
 * thread. The CDB the core passes is the command's own length (SPC-5 4.2.5.1), its bytes as the
 * initiator sent them.
 */
public interface ScsiPassThrough {
    /** Which way the command's data moves (SAM-5 5.1), as the transport announced it. */
    enum Direction {
        NONE, FROM_DEVICE, TO_DEVICE
    }

    /**
     * Sends one command. {@code dataOut} (for {@link Direction#TO_DEVICE}) holds the data to send and
     * stays the core's; {@code dataIn} (for {@link Direction#FROM_DEVICE}) is filled from its start,
     * up to its length, and stays the core's. Both are null for {@link Direction#NONE}.
     */
    void execute(byte[] cdb, Direction direction, DataBuffer dataOut, DataBuffer dataIn, CommandCompletion done);

    /**
     * Resets the device (SAM-5 7.7 LOGICAL UNIT RESET, sent on as SG_SCSI_RESET_DEVICE): the device
     * aborts what it holds. The core has already aborted the tasks and established its unit
     * attentions.
     */
    void reset(ResetCompletion done);

    /**
     * The largest data transfer, in bytes, one command may have on this device (the host adapter's
     * and the SG driver's limit): a command whose expected data transfer length exceeds it is refused
     * by the core before it reaches the device.
     */
    int maxTransferBytes();

    /**
     * Whether the device answers INQUIRY itself (a real device does: its standard data and VPD pages,
     * the core substituting the port designators). False: the core answers INQUIRY as for an emulated
     * device of the type, its own standard data and VPD pages; an out-of-process handler
     * (docs/user-handlers.md) is such a device.
     */
    default boolean answersInquiry() {
        return true;
    }

    /**
     * Whether the device executes {@code cdb} at all: false, and the core answers INVALID COMMAND
     * OPERATION CODE itself (SPC-5 4.2.5.1), in the LU's sense format, and the device never sees
     * it. A real device judges every command (the default: true); an out-of-process handler
     * executes only the opcodes its HELLO names (docs/user-handlers.md "CDB operations").
     */
    default boolean takes(byte[] cdb) {
        return true;
    }

    /**
     * The opcodes without service actions this device executes as an emulated disk's or CD/DVD's
     * {@link BlockDevice#otherCommands} (an out-of-process handler's HELLO names them), for REPORT
     * SUPPORTED OPERATION CODES (SPC-5 6.35) to list beside the core's rows. The default: none
     * listed (a real device's commands are its own to report).
     */
    default java.util.Set<Integer> otherOpcodes() {
        return java.util.Set.of();
    }

    /**
     * What the device answered.
     *
     * @param status   SAM-5 status byte
     * @param sense    the autosense data the device returned with CHECK CONDITION, or null
     * @param residual bytes of the data buffer that were not transferred (SAM-5 5.4.3)
     */
    record Result(int status, byte[] sense, int residual) {
    }

    /** Completion of {@link #execute}. */
    interface CommandCompletion {
        /** The device answered (whatever its status). */
        void completed(Result result);

        /**
         * The command did not reach the device or got no answer (the device is gone, the host
         * adapter failed, a timeout): {@link BlockDevice.IoFailure} says how the core reports it.
         */
        void failed(BlockDevice.IoFailure failure, Throwable cause);
    }

    /** Completion of {@link #reset}. */
    interface ResetCompletion {
        /** @param failure null when the reset was done */
        void done(Throwable failure);
    }
}
