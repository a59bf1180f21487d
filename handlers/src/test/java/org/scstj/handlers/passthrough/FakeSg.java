package org.scstj.handlers.passthrough;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SG driver with a small device behind it, for a host without a SCSI layer: a disk of 512-byte
 * blocks in memory (or, by its type, a tape drive answering only INQUIRY and TEST UNIT READY) that
 * reports POWER ON on its first command, answers INQUIRY, READ CAPACITY(10), READ(10), WRITE(10) and
 * the Control mode page, and records every CDB and reset. A node that is not an SG node fails
 * SG_GET_VERSION_NUM with ENOTTY, as sg(4) does.
 */
final class FakeSg implements SgLayer {
    static final int ENOTTY = 25;
    final int type;
    final boolean sgNode;
    final byte[] blocks = new byte[512 * 64];
    final List<byte[]> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger resets = new AtomicInteger();
    final ArrayDeque<int[]> unitAttentions = new ArrayDeque<>();
    volatile Path opened;

    FakeSg(int type, boolean sgNode) {
        this.type = type;
        this.sgNode = sgNode;
        unitAttentions.add(new int[] {0x29, 0x00});
    }

    @Override
    public Device open(Path node) {
        opened = node;
        return new Device() {
            @Override
            public int versionNumber() throws IOException {
                if (!sgNode) {
                    throw new NativeSg.SgException("SG_GET_VERSION_NUM on " + node, ENOTTY);
                }
                return 30536;
            }

            @Override
            public int maxTransferBytes() {
                return 8192;
            }

            @Override
            public Answer execute(byte[] cdb, int direction, ByteBuffer data, int timeoutMs) {
                return FakeSg.this.execute(cdb, direction, data);
            }

            @Override
            public void reset() {
                resets.incrementAndGet();
            }

            @Override
            public void close() {
            }
        };
    }

    private Answer execute(byte[] cdb, int direction, ByteBuffer data) {
        seen.add(cdb.clone());
        int room = data == null ? 0 : data.remaining();
        int[] ua;
        synchronized (unitAttentions) {
            ua = unitAttentions.poll();
        }
        if (ua != null) {
            return check(0x6, ua[0], ua[1], room);
        }
        switch (cdb[0] & 0xFF) {
            case 0x00 -> {
                return good(room, 0);
            }
            case 0x12 -> {
                byte[] d = new byte[36];
                d[0] = (byte) type;
                d[2] = 0x06;
                d[3] = 0x02;
                d[4] = 31;
                System.arraycopy("FAKESG  FAKE DISK       ".getBytes(), 0, d, 8, 24);
                return good(room, put(data, d));
            }
            case 0x25 -> {
                byte[] d = new byte[8];
                ByteBuffer.wrap(d).putInt(0, blocks.length / 512 - 1).putInt(4, 512);
                return good(room, put(data, d));
            }
            case 0x28, 0x2A -> {
                int lba = ByteBuffer.wrap(cdb).getInt(2);
                int n = (cdb[7] & 0xFF) << 8 | cdb[8] & 0xFF;
                if ((lba + n) * 512 > blocks.length) {
                    return check(0x5, 0x21, 0x00, room);
                }
                if ((cdb[0] & 0xFF) == 0x28) {
                    return good(room, put(data, java.util.Arrays.copyOfRange(blocks, lba * 512, (lba + n) * 512)));
                }
                int len = Math.min(room, n * 512);
                data.duplicate().get(blocks, lba * 512, len);
                return good(room, len);
            }
            case 0x5A -> {
                byte[] d = new byte[20];
                d[1] = 18;
                d[8] = 0x0A;
                d[9] = 0x0A;
                return good(room, put(data, d));
            }
            default -> {
                return good(room, 0);
            }
        }
    }

    private static int put(ByteBuffer into, byte[] d) {
        int n = Math.min(into.remaining(), d.length);
        into.duplicate().put(d, 0, n);
        return n;
    }

    private static Answer good(int room, int transferred) {
        return new Answer(0, 0, 0, new byte[0], room - transferred);
    }

    private static Answer check(int key, int asc, int ascq, int room) {
        byte[] s = new byte[18];
        s[0] = 0x70;
        s[2] = (byte) key;
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return new Answer(0x02, 0, 0x08, s, room);
    }
}
