package org.scstj.engine.xcopy;

import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** EXTENDED COPY(LID1) and RECEIVE COPY RESULTS CDBs and parameter lists for tests (SPC-4 6.3, SPC-3 6.17). */
public final class CopyLists {
    private CopyLists() {
    }

    /** A RAM device with its own NAA designator. */
    public static RamBlockDevice device(int blockSize, int blocks, long naa) {
        return new RamBlockDevice(blockSize, blocks).capabilities(
                new BlockDevice.Capabilities(true, false, false, false, 1, "SN" + Long.toHexString(naa), naa));
    }

    public static byte[] cdb(long parameterListLength) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x83;
        c[10] = (byte) (parameterListLength >>> 24);
        c[11] = (byte) (parameterListLength >>> 16);
        c[12] = (byte) (parameterListLength >>> 8);
        c[13] = (byte) parameterListLength;
        return c;
    }

    /** An Identification CSCD descriptor naming {@code d} by the NAA designator VPD 83h reports. */
    public static byte[] identification(BlockDevice d) {
        byte[] c = new byte[32];
        c[0] = (byte) 0xE4;
        c[4] = 0x01;  // code set binary
        c[5] = 0x03;  // association LU, designator type NAA
        c[7] = 8;
        long naa = d.capabilities().naaId();
        for (int i = 0; i < 8; i++) {
            c[8 + i] = (byte) (naa >>> (56 - 8 * i));
        }
        int bs = d.blockSize();
        c[29] = (byte) (bs >>> 16);
        c[30] = (byte) (bs >>> 8);
        c[31] = (byte) bs;
        return c;
    }

    public static byte[] blockToBlock(int source, int destination, int blocks, long sourceLba, long destinationLba) {
        byte[] s = new byte[28];
        s[0] = 0x02;
        s[3] = 0x18;
        s[5] = (byte) source;
        s[7] = (byte) destination;
        s[10] = (byte) (blocks >>> 8);
        s[11] = (byte) blocks;
        for (int i = 0; i < 8; i++) {
            s[12 + i] = (byte) (sourceLba >>> (56 - 8 * i));
            s[20 + i] = (byte) (destinationLba >>> (56 - 8 * i));
        }
        return s;
    }

    /**
     * A block device with offset to block device with offset segment descriptor (0Ah, SPC-4
     * 6.4.6.12): {@code bytes} from byte {@code sourceOffset} of block {@code sourceLba} to byte
     * {@code destinationOffset} of block {@code destinationLba}.
     */
    public static byte[] withOffsets(int source, int destination, long bytes, long sourceLba, int sourceOffset,
                                     long destinationLba, int destinationOffset) {
        ByteBuffer s = ByteBuffer.allocate(32);
        s.put(0, (byte) 0x0A);
        s.putShort(2, (short) 0x1C);
        s.putShort(4, (short) source);
        s.putShort(6, (short) destination);
        s.putInt(8, (int) bytes);
        s.putLong(12, sourceLba);
        s.putLong(20, destinationLba);
        s.putShort(28, (short) sourceOffset);
        s.putShort(30, (short) destinationOffset);
        return s.array();
    }

    public static byte[] list(int listId, int listIdUsage, List<byte[]> cscds, List<byte[]> segments) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        cscds.forEach(d -> c.write(d, 0, d.length));
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        segments.forEach(d -> s.write(d, 0, d.length));
        byte[] header = new byte[16];
        header[0] = (byte) listId;
        header[1] = (byte) (listIdUsage << 3);
        header[2] = (byte) (c.size() >>> 8);
        header[3] = (byte) c.size();
        header[10] = (byte) (s.size() >>> 8);
        header[11] = (byte) s.size();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(header, 0, 16);
        all.write(c.toByteArray(), 0, c.size());
        all.write(s.toByteArray(), 0, s.size());
        return all.toByteArray();
    }

    /** RECEIVE COPY RESULTS with a service action, LIST IDENTIFIER and ALLOCATION LENGTH. */
    public static byte[] receiveCopyResults(int serviceAction, int listId, int allocationLength) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x84;
        c[1] = (byte) serviceAction;
        c[2] = (byte) listId;
        c[12] = (byte) (allocationLength >>> 8);
        c[13] = (byte) allocationLength;
        return c;
    }
}
