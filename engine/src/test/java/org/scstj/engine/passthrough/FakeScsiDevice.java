package org.scstj.engine.passthrough;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SCSI device as the core sees it through {@link ScsiPassThrough}: a small disk or tape drive
 * that answers INQUIRY (its own port designator in VPD 83h besides its logical unit's), MODE SENSE
 * of the Control page with the D_SENSE a MODE SELECT set, READ with a fixed pattern, a tape READ(6)
 * of a record shorter than asked with ILI, and reports a unit attention queued by the test on its
 * next command; MODE SELECT of the Control page sets its D_SENSE, TST and QERR; vendor-specific
 * C2h fails with MEDIUM ERROR and C3h stays in the device until {@link #slow} completes. It records
 * every CDB it got.
 */
final class FakeScsiDevice implements BlockDevice, ScsiPassThrough {
    final List<byte[]> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger resets = new AtomicInteger();
    final ArrayDeque<int[]> unitAttentions = new ArrayDeque<>();
    private final int type;
    private final int maxTransfer;
    volatile boolean dSense;
    /** Control page TST (byte 2 bits 7-5) and QERR (byte 3 bits 2-1), as MODE SELECT set them. */
    volatile int tst;
    volatile int qErr;
    /** Commands 0xC3 stay in the device until this completes. */
    volatile CompletableFuture<Void> slow = new CompletableFuture<>();
    /** A tape drive's next record length (READ(6) variable-block). */
    volatile int recordLength = 100;
    /** False: the core answers INQUIRY ({@link ScsiPassThrough#answersInquiry}), as for an out-of-process handler. */
    volatile boolean answersInquiry = true;
    /**
     * True: an emulated device whose commands without a row come here ({@link BlockDevice#otherCommands}),
     * not a pass-through device.
     */
    volatile boolean othersOnly;
    /** The VPD pages it adds to the core's ({@link BlockDevice#deviceVpdPages}). */
    volatile java.util.Set<Integer> vpdPages = java.util.Set.of();
    /** An opcode it does not take ({@link ScsiPassThrough#takes}), or -1. */
    volatile int notTaken = -1;

    FakeScsiDevice(int type, int maxTransfer) {
        this.type = type;
        this.maxTransfer = maxTransfer;
    }

    int opcodesSeen(int opcode) {
        return (int) seen.stream().filter(c -> (c[0] & 0xFF) == opcode).count();
    }

    @Override public ScsiPassThrough passThrough() { return othersOnly ? null : this; }
    @Override public ScsiPassThrough otherCommands() { return othersOnly ? this : null; }
    @Override public boolean answersInquiry() { return answersInquiry; }
    @Override public java.util.Set<Integer> deviceVpdPages() { return vpdPages; }
    @Override public boolean takes(byte[] cdb) { return (cdb[0] & 0xFF) != notTaken; }
    /** The opcodes it says it executes beside the core's rows ({@link ScsiPassThrough#otherOpcodes}). */
    volatile java.util.Set<Integer> otherOpcodes = java.util.Set.of();
    @Override public java.util.Set<Integer> otherOpcodes() { return otherOpcodes; }
    @Override public int peripheralDeviceType() { return type; }
    @Override public String name() { return "sg-fake"; }
    @Override public String handlerType() { return "dev_fake"; }
    @Override public int blockSize() { return 512; }
    @Override public long blockCount() { return 2048; }
    @Override public Capabilities capabilities() { return new Capabilities(false, false, false, false, 0, "FAKE", 1L); }
    @Override public void read(long offset, ByteBuffer dst, Completion done) { throw new AssertionError("block I/O"); }
    @Override public void write(long offset, ByteBuffer src, boolean fua, Completion done) { throw new AssertionError(); }
    @Override public void flush(Completion done) { done.completed(); }
    @Override public void close() { }
    @Override public int maxTransferBytes() { return maxTransfer; }

    @Override
    public void reset(ResetCompletion done) {
        resets.incrementAndGet();
        done.done(null);
    }

    @Override
    public void execute(byte[] cdb, Direction direction, DataBuffer dataOut, DataBuffer dataIn, ScsiPassThrough.CommandCompletion done) {
        seen.add(cdb.clone());
        int[] ua;
        synchronized (unitAttentions) {
            ua = (cdb[0] & 0xFF) == 0x12 ? null : unitAttentions.poll();
        }
        int room = dataIn == null ? 0 : dataIn.length();
        if (ua != null) {
            done.completed(new Result(ScsiResponse.CHECK_CONDITION, sense(0x6, ua[0], ua[1], 0, 0), room));
            return;
        }
        switch (cdb[0] & 0xFF) {
            case 0x12 -> {
                byte[] d = (cdb[1] & 1) == 0 ? standardInquiry() : vpd(cdb[2] & 0xFF);
                if (d == null) {
                    done.completed(new Result(ScsiResponse.CHECK_CONDITION, sense(0x5, 0x24, 0, 0, 0), room));
                } else {
                    done.completed(new Result(ScsiResponse.GOOD, null, room - put(dataIn, d)));
                }
            }
            case 0x15, 0x55 -> {
                ByteBuffer p = dataOut.nio();
                byte[] list = new byte[p.remaining()];
                p.get(list);
                int header = (cdb[0] & 0xFF) == 0x15 ? 4 : 8;
                if (list.length >= header + 4 && (list[header] & 0x3F) == 0x0A) {
                    dSense = (list[header + 2] & 0x04) != 0;
                    tst = (list[header + 2] & 0xFF) >>> 5;
                    qErr = (list[header + 3] & 0x06) >>> 1;
                }
                done.completed(new Result(ScsiResponse.GOOD, null, 0));
            }
            case 0x5A -> {
                byte[] d = new byte[8 + 12];
                d[1] = 18;
                d[8] = 0x0A;
                d[9] = 0x0A;
                d[10] = (byte) (tst << 5 | (dSense ? 0x04 : 0));
                d[11] = (byte) (qErr << 1);
                done.completed(new Result(ScsiResponse.GOOD, null, room - put(dataIn, d)));
            }
            case 0x08 -> { // a tape READ(6), variable block: one record of recordLength
                int asked = (cdb[2] & 0xFF) << 16 | (cdb[3] & 0xFF) << 8 | cdb[4] & 0xFF;
                int n = Math.min(asked, recordLength);
                byte[] d = new byte[n];
                java.util.Arrays.fill(d, (byte) 0x5A);
                put(dataIn, d);
                if (n < asked) {   // SSC-3 4.2.5: ILI, INFORMATION = requested - actual
                    done.completed(new Result(ScsiResponse.CHECK_CONDITION, sense(0x0, 0, 0, 0x20, asked - n), room - n));
                } else {
                    done.completed(new Result(ScsiResponse.GOOD, null, room - n));
                }
            }
            case 0x28 -> {
                byte[] d = new byte[room];
                java.util.Arrays.fill(d, (byte) 0xA5);
                done.completed(new Result(ScsiResponse.GOOD, null, room - put(dataIn, d)));
            }
            case 0xC1 -> { // a vendor-specific command: four bytes back
                done.completed(new Result(ScsiResponse.GOOD, null, room - put(dataIn, new byte[] {1, 2, 3, 4})));
            }
            case 0xC2 -> // a vendor-specific command the device fails: MEDIUM ERROR, UNRECOVERED READ ERROR
                    done.completed(new Result(ScsiResponse.CHECK_CONDITION, sense(0x3, 0x11, 0, 0, 0), room));
            case 0xC3 -> // a vendor-specific command that takes until the test lets it go
                    slow.thenRun(() -> done.completed(new Result(ScsiResponse.GOOD, null, room)));
            default -> done.completed(new Result(ScsiResponse.GOOD, null, room));
        }
    }

    private static int put(DataBuffer into, byte[] d) {
        if (into == null) {
            return 0;
        }
        ByteBuffer b = into.nio();
        int n = Math.min(b.remaining(), d.length);
        b.put(d, 0, n);
        return n;
    }

    private byte[] standardInquiry() {
        byte[] d = new byte[36];
        d[0] = (byte) type;
        d[2] = 0x05;
        d[3] = 0x02;
        d[4] = 31;
        System.arraycopy("REALVEND".getBytes(), 0, d, 8, 8);
        System.arraycopy("REAL DEVICE     ".getBytes(), 0, d, 16, 16);
        return d;
    }

    /** VPD 83h: the LU's NAA designator, then the real device's own target port designator. */
    private byte[] vpd(int page) {
        if (page == 0xC0 || page == 0x80) { // a vendor-specific page of its own (and a serial number page)
            return new byte[] {(byte) type, (byte) page, 0, 4, 'D', 'E', 'V', 'X'};
        }
        if (page != 0x83) {
            return null;
        }
        byte[] naa = {0x01, 0x03, 0, 8, 0x60, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
        byte[] port = {0x61, (byte) 0x94, 0, 4, 0, 0, 0, 0x09};   // SAS, relative target port 9
        byte[] d = new byte[4 + naa.length + port.length];
        d[0] = (byte) type;
        d[1] = (byte) 0x83;
        d[3] = (byte) (naa.length + port.length);
        System.arraycopy(naa, 0, d, 4, naa.length);
        System.arraycopy(port, 0, d, 4 + naa.length, port.length);
        return d;
    }

    /** Fixed-format sense (SPC-5 4.4.3) with the flags of byte 2 (FILEMARK, EOM, ILI) and INFORMATION. */
    static byte[] sense(int key, int asc, int ascq, int flags, int information) {
        byte[] s = new byte[18];
        s[0] = (byte) (information != 0 ? 0xF0 : 0x70);
        s[2] = (byte) (flags | key);
        ByteBuffer.wrap(s).putInt(3, information);
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return s;
    }
}
