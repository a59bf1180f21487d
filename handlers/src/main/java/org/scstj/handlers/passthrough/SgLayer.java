package org.scstj.handlers.passthrough;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The Linux SCSI generic driver as the pass-through handlers use it (sg(4), the sg v3 interface of
 * {@code <scsi/sg.h>}): open a device node, send one command with SG_IO and wait for it, reset the
 * device. {@link NativeSg} is the real one, through the foreign function API; a host without a SCSI
 * layer (a container, the build) gets another.
 */
public interface SgLayer {
    /** Opens an SG device node read-write, non-blocking (sg(4): O_NONBLOCK keeps open from waiting). */
    Device open(Path node) throws IOException;

    /** One open SG device. Its methods block; any thread may call them, several at a time. */
    interface Device extends AutoCloseable {
        /** SG_GET_VERSION_NUM: the driver's version (30536 for 3.5.36); fails on a node that is not an SG device. */
        int versionNumber() throws IOException;

        /** BLKSECTGET on an SG descriptor: the most bytes one command may transfer (the request queue's max_sectors). */
        int maxTransferBytes() throws IOException;

        /**
         * SG_IO: sends {@code cdb} and waits for the answer. {@code data} (null for no data) is the
         * Data-Out to send from its position to its limit, or the room for the Data-In.
         *
         * @param direction  SG_DXFER_NONE, _TO_DEV or _FROM_DEV
         * @param timeoutMs  how long the kernel waits before it aborts the command
         */
        Answer execute(byte[] cdb, int direction, ByteBuffer data, int timeoutMs) throws IOException;

        /** SG_SCSI_RESET with SG_SCSI_RESET_DEVICE: a logical unit reset of the device. */
        void reset() throws IOException;

        @Override
        void close();
    }

    /** SG_DXFER_NONE: no data. */
    int DXFER_NONE = -1;
    /** SG_DXFER_TO_DEV: Data-Out. */
    int DXFER_TO_DEV = -2;
    /** SG_DXFER_FROM_DEV: Data-In. */
    int DXFER_FROM_DEV = -3;

    /**
     * The outputs of sg_io_hdr after SG_IO returned.
     *
     * @param status       the SCSI status byte (SAM-5)
     * @param hostStatus   the host adapter's status (Linux DID_* codes; 0: DID_OK)
     * @param driverStatus the mid-layer's status (Linux DRIVER_* codes; 0 or DRIVER_SENSE when fine)
     * @param sense        the sense data written ({@code sb_len_wr} bytes), possibly empty
     * @param residual     {@code resid}: bytes of the data buffer not transferred
     */
    record Answer(int status, int hostStatus, int driverStatus, byte[] sense, int residual) {
    }
}
