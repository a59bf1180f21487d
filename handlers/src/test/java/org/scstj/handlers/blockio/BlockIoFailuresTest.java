package org.scstj.handlers.blockio;

import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.BlockDevice.IoFailure;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** errno to SCSI failure, and the aligned-buffer pool's bound. */
class BlockIoFailuresTest {
    @Test
    void errno_isMappedToTheFailureTheCoreTurnsIntoSense() {
        assertEquals(IoFailure.MEDIUM_ERROR, new NativeDisk.NativeIoException("pread", NativeDisk.EIO).failure());
        // the device went away: NOT READY (and the device stays not ready)
        assertEquals(IoFailure.NOT_READY, new NativeDisk.NativeIoException("pread", NativeDisk.ENXIO).failure());
        assertEquals(IoFailure.NOT_READY, new NativeDisk.NativeIoException("pread", NativeDisk.ENODEV).failure());
        assertEquals(IoFailure.NO_SPACE, new NativeDisk.NativeIoException("pwrite", NativeDisk.ENOSPC).failure());
        assertEquals(IoFailure.NO_SPACE, new NativeDisk.NativeIoException("pwrite", NativeDisk.EDQUOT).failure());
        assertEquals(IoFailure.INTERNAL, new NativeDisk.NativeIoException("pwrite", NativeDisk.EINVAL).failure());
    }

    @Test
    void pool_handsOutAlignedBuffers_andWaitsWhenAllAreTaken() throws Exception {
        try (AlignedBuffers pool = new AlignedBuffers(8192, 2)) {
            MemorySegment a = pool.take();
            MemorySegment b = pool.take();
            assertEquals(0, a.address() % AlignedBuffers.ALIGNMENT);
            assertEquals(0, b.address() % AlignedBuffers.ALIGNMENT);
            assertEquals(8192, a.byteSize());
            CompletableFuture<MemorySegment> third = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> third.get(200, TimeUnit.MILLISECONDS));
            pool.give(a);
            assertSame(a, third.get(5, TimeUnit.SECONDS));
            assertEquals(2, pool.made());
        }
    }
}
