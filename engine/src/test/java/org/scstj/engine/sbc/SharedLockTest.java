package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.spi.BlockDevice;

import java.util.Arrays;
import java.util.List;

/**
 * Which commands run their device I/O inside {@link BlockDevice#lockShared} (docs/design/cluster.md
 * 4.7): COMPARE AND WRITE (the compared blocks), ORWRITE and WRITE ATOMIC (their blocks), each lock
 * released before the status; plain WRITE and READ never ask; a lock that cannot be taken ends the
 * command as an I/O failure, with nothing read or written.
 */
class SharedLockTest {
    private static final int BS = 512;
    private final RamBlockDevice device = new RamBlockDevice(BS, 1000);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    SharedLockTest() {
        device.shared = true;
    }

    private static byte[] filled(int blocks, int value) {
        byte[] d = new byte[blocks * BS];
        Arrays.fill(d, (byte) value);
        return d;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void compareAndWrite_readsComparesAndWritesInsideTheLockOfItsBlocks() {
        Outcome o = FakeExecContext.run(lu, CompareAndWriteTest.caw(4, 2, false, false), 4 * BS,
                concat(filled(2, 0), filled(2, 'B')));
        assertEquals("GOOD", o.sense());
        assertEquals(List.of("lock 2048+1024", "read", "write", "release 2048+1024"), device.events);
        assertEquals(0, device.locksHeld);
    }

    @Test
    void aMiscompare_releasesTheLockWithoutWriting() {
        Outcome o = FakeExecContext.run(lu, CompareAndWriteTest.caw(0, 1, false, false), 2 * BS,
                concat(filled(1, 'X'), filled(1, 'B')));
        assertEquals("0E/1D/00", o.sense());
        assertEquals(List.of("lock 0+512", "read", "release 0+512"), device.events);
        assertEquals(0, device.locksHeld);
    }

    @Test
    void orWriteAndWriteAtomic_lockTheirBlocks() {
        assertEquals("GOOD", FakeExecContext.run(lu, OrWriteTest.orWrite(10, 3, false, false), 3 * BS, filled(3, 1)).sense());
        assertEquals(List.of("lock 5120+1536", "read", "write", "release 5120+1536"), device.events);
        device.events.clear();
        assertEquals("GOOD", FakeExecContext.run(lu, CompareAndWriteTest.writeAtomic(20, 2), 2 * BS, filled(2, 2)).sense());
        assertEquals(List.of("lock 10240+1024", "write", "release 10240+1024"), device.events);
        assertEquals(0, device.locksHeld);
    }

    @Test
    void plainWriteAndRead_takeNoLock() {
        assertEquals("GOOD", FakeExecContext.run(lu, ReadWriteTest.cdb16(0x8A, 0, 2), 2 * BS, filled(2, 3)).sense());
        assertEquals("GOOD", FakeExecContext.run(lu, ReadWriteTest.cdb16(0x88, 0, 2), 2 * BS, null).sense());
        assertEquals(List.of("write", "read"), device.events);
    }

    @Test
    void aLockThatCannotBeTaken_endsTheCommandWithNothingReadOrWritten() {
        device.lockFailure = BlockDevice.IoFailure.MEDIUM_ERROR;
        Outcome o = FakeExecContext.run(lu, CompareAndWriteTest.caw(0, 1, false, false), 2 * BS,
                concat(filled(1, 0), filled(1, 'B')));
        assertEquals("03/0C/00", o.sense()); // MEDIUM ERROR, WRITE ERROR
        assertTrue(device.events.isEmpty(), device.events.toString());
        assertTrue(o.task().allReleasedExcept(null), "the Data-Out buffer is given back");
    }

    @Test
    void aDeviceNotShared_isAskedButLocksNothing() {
        device.shared = false;
        assertEquals("GOOD", FakeExecContext.run(lu, CompareAndWriteTest.caw(0, 1, false, false), 2 * BS,
                concat(filled(1, 0), filled(1, 'B'))).sense());
        assertEquals(0, device.locksHeld);
        assertTrue(device.events.isEmpty());
    }
}
