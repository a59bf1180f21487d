package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.lun.Task;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SPC-5 6.17 READ BUFFER and 6.49 WRITE BUFFER, echo buffer modes, through the LUN actor that owns
 * the echo buffer, from two I_T nexuses.
 */
class BuffersTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64);
    private final UnitState state = LuContexts.state(device);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActor.create(device, CommandSets.DISK, 8,
            Integer.MAX_VALUE, state));
    private long tags;

    /** One command through the LUN actor; the power-on unit attention is taken first. */
    private ScsiResponse run(Nexus nexus, byte[] cdb, int edtl, byte[] dataOut) throws Exception {
        CompletableFuture<ScsiResponse> done = new CompletableFuture<>();
        TransportTask task = new TransportTask() {
            @Override public long lun() { return 0; }
            @Override public byte[] cdb() { return cdb; }
            @Override public long tag() { return ++tags; }
            @Override public TaskAttribute attribute() { return TaskAttribute.SIMPLE; }
            @Override public int expectedDataTransferLength() { return edtl; }
            @Override public boolean readExpected() { return dataOut == null; }
            @Override public boolean writeExpected() { return dataOut != null; }
            @Override public DataBuffer allocate(int length) { return DataBuffer.wrap(new byte[length], length); }
            @Override public void receiveData(int length, DataReceiver receiver) {
                receiver.received(DataBuffer.wrap(java.util.Arrays.copyOf(dataOut, length), length));
            }
            @Override public void complete(ScsiResponse r) { done.complete(r); }
            @Override public void aborted() { done.completeExceptionally(new AssertionError("aborted")); }
        };
        lun.tell(new LunActor.Execute(new Task(task, CommandSets.DISK.parse(cdb),
                LuContexts.of(0, device, false, nexus, state))));
        return done.get(5, TimeUnit.SECONDS);
    }

    private void ready(Nexus nexus) throws Exception {
        run(nexus, new byte[6], 0, null);
    }

    private static byte[] readBuffer(int mode, int allocationLength) {
        return new byte[] {0x3C, (byte) mode, 0, 0, 0, 0, (byte) (allocationLength >>> 16),
                (byte) (allocationLength >>> 8), (byte) allocationLength, 0};
    }

    private static byte[] writeBuffer(int mode, int length) {
        return new byte[] {0x3B, (byte) mode, 0, 0, 0, 0, (byte) (length >>> 16), (byte) (length >>> 8),
                (byte) length, 0};
    }

    private static byte[] data(ScsiResponse r) {
        ByteBuffer b = r.dataIn().nio();
        byte[] d = new byte[b.remaining()];
        b.get(d);
        return d;
    }

    private static String sense(ScsiResponse r) {
        byte[] s = r.sense();
        return String.format("%02X/%02X/%02X", s[2] & 0x0F, s[12] & 0xFF, s[13] & 0xFF);
    }

    @Test
    void theEchoBuffer_returnsWhatThisNexusWrote_limitedByTheAllocationLength() throws Exception {
        ready(A);
        assertEquals("05/2C/00", sense(run(A, readBuffer(0x0A, 64), 64, null)), "COMMAND SEQUENCE ERROR: never written");
        byte[] written = "scstj echo buffer".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(ScsiResponse.GOOD, run(A, writeBuffer(0x0A, written.length), written.length, written).status());
        assertArrayEquals(written, data(run(A, readBuffer(0x0A, 64), 64, null)), "the same bytes, as many as written");
        assertArrayEquals(java.util.Arrays.copyOf(written, 5), data(run(A, readBuffer(0x0A, 5), 5, null)));
        assertArrayEquals(written, data(run(A, readBuffer(0x0A, 64), 64, null)), "read again, as often as asked");
    }

    @Test
    void anotherNexusWriting_isEchoBufferOverwrittenForTheFirst_andItsOwnDataForItself() throws Exception {
        ready(A);
        ready(B);
        assertEquals(ScsiResponse.GOOD, run(A, writeBuffer(0x0A, 4), 4, new byte[] {1, 2, 3, 4}).status());
        assertEquals(ScsiResponse.GOOD, run(B, writeBuffer(0x0A, 2), 2, new byte[] {9, 9}).status());
        assertEquals("0B/3F/0F", sense(run(A, readBuffer(0x0A, 64), 64, null)), "ECHO BUFFER OVERWRITTEN");
        assertArrayEquals(new byte[] {9, 9}, data(run(B, readBuffer(0x0A, 64), 64, null)));
    }

    @Test
    void theDescriptor_saysEbosAndTheCapacity_andOtherModesAreRefused() throws Exception {
        ready(A);
        byte[] d = data(run(A, readBuffer(0x0B, 4), 4, null));
        assertArrayEquals(new byte[] {0x01, 0, 0x10, 0x00}, d, "EBOS 1, BUFFER CAPACITY 4096");
        assertEquals("05/24/00", sense(run(A, readBuffer(0x02, 64), 64, null)), "data mode: no data buffer");
        assertEquals("05/24/00", sense(run(A, writeBuffer(0x05, 0), 0, null)), "download microcode: no");
        assertEquals("05/24/00", sense(run(A, writeBuffer(0x0A, 4097), 4097, new byte[4097])), "over the capacity");
    }
}
