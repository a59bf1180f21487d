package org.scstj.handlers.blockio;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every {@link BlockIoHandlerTest} again, with the reads and writes through an io_uring. */
class BlockIoUringTest extends BlockIoHandlerTest {
    @Override
    String engine() {
        return "io_uring";
    }

    @Test
    void close_stopsTheSubmitterAndTheReaper() throws Exception {
        LoopDevice l = loop(4 << 20, 512);
        var d = open(Map.of("filename", l.device.toString()));
        assertEquals(2, ringThreads());
        d.close();
        cleanup.remove(d);
        assertEquals(0, ringThreads());
    }

    /** The default, auto, is io_uring wherever io_uring_setup works (as it must for these tests). */
    @Test
    void theDefaultEngine_isIoUring_whereTheProcessMaySetOneUp() throws Exception {
        LoopDevice l = loop(4 << 20, 512);
        assertEquals(null, IoUring.unavailable());
        var d = handler.open("d1", com.typesafe.config.ConfigFactory.parseMap(Map.of("filename", l.device.toString())),
                new org.scstj.engine.spi.DeviceHandlerFactory.Context(io, dir));
        try {
            assertEquals(BlockIoSettings.IoEngine.IO_URING, ((BlockIoDevice) d).ioEngine());
        } finally {
            d.close();
        }
    }

    private static long ringThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("blockio-uring-") && t.getName().endsWith("-d0")).count();
    }
}
