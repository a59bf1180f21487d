package org.scstj.engine.spc;

import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 4.2.5.6 ALLOCATION LENGTH: the device server returns {@code min(allocation length,
 * available)} bytes, truncating without error and without padding. The response's
 * {@code transferLength} is that amount; the transport reports the residual against EDTL
 * (RFC 7143 11.4.5), and never receives more Data-In than EDTL.
 */
public final class AllocationLength {
    private AllocationLength() {
    }

    /**
     * GOOD with the first {@code min(available, allocationLength)} bytes of {@code data}.
     *
     * @param data             parameter data, at least {@code available} bytes long
     * @param available        how many bytes of {@code data} the command produced
     * @param allocationLength the CDB's ALLOCATION LENGTH (unsigned)
     * @param edtl             the transport's expected data transfer length (unsigned 32-bit)
     */
    public static ScsiResponse respond(byte[] data, int available, long allocationLength, int edtl) {
        int n = (int) Math.min(available, Math.max(0, allocationLength));
        int sent = (int) Math.min(n, Integer.toUnsignedLong(edtl));
        return ScsiResponse.good(sent == 0 ? null : DataBuffer.wrap(data, sent), n);
    }
}
